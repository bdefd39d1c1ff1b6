"""The participants' phones: joining with the room's code, the phone's own
screen (the area on screen, its vote, its notes and dots), and its posts.

A participant has no account: a token in their session names their place
in the room. A phone's screen is the room as every phone sees it (drawn
once for all of them and pushed by workshops/streams.py) with its own vote,
notes and dots marked on it: by the service when it draws the page for
this phone, and by the phone itself (static/js/workshop.js) from what it
keeps of its own (`mine`) when the room is pushed. A post that is taken is
answered with what changed of the phone's own, never with its room.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workshops.forms import JoinForm, NoteForm, VoteForm
from workshops.models import (
    DOTS_PER_PARTICIPANT,
    NOTE_MAX,
    NOTES_PER_AREA,
    Dot,
    FailedJoin,
    Note,
    Participant,
    Vote,
    Workshop,
    participant_key,
)
from workshops.views import can_read

SESSION_KEY = "workshop_participants"
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _client(request: HttpRequest) -> str:
    """Who is guessing codes. Behind our TLS proxy (BEHIND_PROXY) the address
    the proxy saw is the last X-Forwarded-For entry; earlier ones are the
    client's own claims and could be forged."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE_PROXY_SSL_HEADER and forwarded:
        return forwarded.split(",")[-1].strip()[:64]
    return request.META.get("REMOTE_ADDR", "unknown")[:64]


# Participants: no account, a token in the session.


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, code: str = "") -> HttpResponse:
    form = JoinForm(request.POST or None, initial={"code": code})
    status = 200
    if request.method == "POST":
        client = _client(request)
        if FailedJoin.is_blocked(client):
            form.is_valid()
            form.errors.clear()
            form.add_error(
                "code",
                "Too many codes that did not work. Wait 10 minutes, then check the code "
                "on the shared screen.",
            )
            status = 429
        elif form.is_valid():
            workshop = Workshop.objects.filter(join_code=form.cleaned_data["code"]).first()
            if workshop is None or workshop.is_closed:
                FailedJoin.record(client)
                form.add_error(
                    "code",
                    "That workshop has finished. Ask the facilitator for the code of today's."
                    if workshop
                    else "There is no live workshop with that code. "
                    "Check the code on the shared screen.",
                )
            else:
                _join(request, workshop, form.cleaned_data["display_name"])
                if workshop.ahead_open:  # the session has not started: score ahead
                    return redirect("workshops:ahead", workshop.join_code)
                return redirect("workshops:live", workshop.join_code)
        elif "code" in form.errors:
            FailedJoin.record(client)
    return render(request, "workshops/join.html", {"form": form}, status=status)


def _join(request: HttpRequest, workshop: Workshop, name: str) -> Participant:
    tokens = request.session.get(SESSION_KEY, {})
    participant = Participant.objects.filter(
        workshop=workshop, token=tokens.get(workshop.join_code)
    ).first()
    if participant is None and request.user.is_authenticated:
        participant = Participant.objects.filter(workshop=workshop, user=request.user).first()
    if participant is None:
        participant = Participant.objects.create(
            workshop=workshop,
            display_name=name,
            user=request.user if request.user.is_authenticated else None,
            ahead=workshop.ahead_open,
        )
        workshop.bump_version(counts=True)  # one more joined
    elif name and name != participant.display_name:
        participant.display_name = name
        participant.save(update_fields=["display_name"])
    tokens[workshop.join_code] = str(participant.token)
    request.session[SESSION_KEY] = tokens
    return participant


def _participant_key(workshop: Workshop) -> str:
    if not hasattr(workshop, "revealed_count"):
        # A post's workshop, read without what the key counts: the post is
        # being answered with the phone's room (a refusal), so read it now.
        return Workshop.objects.room_key(workshop.pk) or ""
    return participant_key(
        workshop.step,
        workshop.status,
        workshop.revealed_count + (workshop.dots_revealed_at is not None),
        workshop.timer_token,
    )


def _workshop_for_participant(request: HttpRequest, code: str) -> Workshop | None:
    token = request.session.get(SESSION_KEY, {}).get(code.upper())
    if token is None:
        return None
    return Workshop.objects.for_phones().filter(join_code=code.upper()).first()


def _participant_for(request: HttpRequest, workshop: Workshop) -> Participant | None:
    token = request.session[SESSION_KEY][workshop.join_code]
    return Participant.objects.filter(workshop=workshop, token=token).first()


def _seat(request: HttpRequest, code: str):
    """This phone's place in the room with that code, as a query (of one
    row at most), or None when its session has no place there."""
    token = request.session.get(SESSION_KEY, {}).get(code.upper())
    if token is None:
        return None
    return Participant.objects.filter(token=token, workshop__join_code=code.upper())


def phone_workshop(request: HttpRequest, code: str) -> tuple[int, bool] | None:
    """The workshop this phone has a place in (its id, and whether it is
    closed), or None: what its page checks, in one query, for its stream
    (workshops/streams.py), which opens far more often than a page."""
    seat = _seat(request, code)
    row = None if seat is None else seat.values_list("workshop_id", "workshop__status").first()
    return None if row is None else (row[0], row[1] == Workshop.Status.CLOSED)


def room_context(workshop: Workshop, **extra) -> dict:
    """What every phone in the room shows alike: drawn once per change for
    all of them (workshops/streams.py), and the ground of each phone's own
    screen. `workshop` carries `revealed_count` (its key)."""
    area = workshop.current_area
    context = {
        "workshop": workshop,
        "area": area,
        "key": _participant_key(workshop),
        "note_max": NOTE_MAX,
        "notes_per_area": NOTES_PER_AREA,
        "notes_left": NOTES_PER_AREA,
        "dots_per_participant": DOTS_PER_PARTICIPANT,
        "dots_left": DOTS_PER_PARTICIPANT,
        "summary_link": reverse("workshops:summary", args=[workshop.pk]),
    }
    if area:
        revealed, vote_round, notes_shown = workshop._area_state(area["id"])
        context.update(revealed=revealed, vote_round=vote_round, notes_shown=notes_shown)
        if "note_form" not in extra:
            context["note_form"] = NoteForm()
    elif workshop.step == workshop.choose_step:
        scores = workshop.scores_by_area()
        tally = workshop.dot_tally() if workshop.dots_revealed_at else {}
        context["dot_rows"] = [
            {"area": a, "score": scores.get(a["id"]), "mine": 0, "tally": tally.get(a["id"], 0)}
            for a in workshop.areas
        ]
    context.update(extra)
    return context


def _notes_on(participant: Participant, area: dict) -> dict:
    """This phone's notes on one area, as `mine` gives them."""
    notes = mine(participant, only="notes", area=area["id"])["notes"]
    return {str(area["id"]): notes.get(str(area["id"]), [])}


def mine(participant: Participant, *, only: str = "", area=None) -> dict:
    """Everything of this phone's own in its workshop, in three small
    queries: its votes ("area:round" to level), its notes by area and its
    dots by area. The phone keeps it (static/js/workshop.js) and marks its
    own on every room pushed to it, without asking the service again."""
    own: dict = {"name": participant.display_name, "votes": {}, "notes": {}, "dots": {}}
    if only in ("", "votes"):
        votes = Vote.objects.filter(participant=participant)
        for area_id, vote_round, level in votes.values_list("area_id", "round", "level"):
            own["votes"][f"{area_id}:{vote_round}"] = level
    if only in ("", "notes"):
        labels = dict(Note.Kind.choices)
        notes = Note.objects.filter(participant=participant).order_by("created_at", "pk")
        if area is not None:
            notes = notes.filter(area_id=area)
        for pk, area_id, kind, text in notes.values_list("pk", "area_id", "kind", "text"):
            own["notes"].setdefault(str(area_id), []).append(
                {"id": pk, "kind": kind, "label": labels.get(kind, kind), "text": text}
            )
    if only in ("", "dots"):
        for area_id in Dot.objects.filter(participant=participant).values_list(
            "area_id", flat=True
        ):
            own["dots"][str(area_id)] = own["dots"].get(str(area_id), 0) + 1
    return own


def _participant_context(
    request: HttpRequest, workshop: Workshop, *, known: Participant | None = None, **extra
) -> dict:
    """A phone's own screen: the room, with this participant's own vote,
    notes and dots marked (`known`: the participant, when the caller has
    already looked it up). Never anyone else's."""
    participant = known or _participant_for(request, workshop)
    context = room_context(workshop)
    context["participant"] = participant
    if participant is None:
        context.update(extra)
        return context
    own = mine(participant)
    own["summary"] = workshop.is_closed and can_read(workshop, request.user)
    context.update(mine=own, summary_url=context["summary_link"] if own["summary"] else None)
    area = context["area"]
    if area:
        context["my_vote"] = own["votes"].get(f"{area['id']}:{context['vote_round']}")
        context.update(own_notes(request, own["notes"].get(str(area["id"]), []), extra))
    elif "dot_rows" in context:
        for row in context["dot_rows"]:
            row["mine"] = own["dots"].get(str(row["area"]["id"]), 0)
        context["dots_left"] = DOTS_PER_PARTICIPANT - sum(own["dots"].values())
    context.update(extra)
    return context


def own_notes(request: HttpRequest, notes: list[dict], extra: dict) -> dict:
    """A participant's own notes on one area (as `mine` gives them) and the
    form to add one, or to change the one named by `?edit=` (the note form
    in `extra` when a post is being answered), for the phone and the page
    for scoring ahead."""
    editing = next((n for n in notes if str(n["id"]) == request.GET.get("edit")), None)
    context = {
        "my_notes": notes,
        "notes_left": max(NOTES_PER_AREA - len(notes), 0),
        "editing": editing,
    }
    if "note_form" not in extra:
        context["note_form"] = NoteForm(
            initial={"kind": editing["kind"], "text": editing["text"]} if editing else None
        )
    return context


@require_GET
def live(request: HttpRequest, code: str) -> HttpResponse:
    """A participant's screen: the area on screen and their own vote. Its
    stream says when the room's key changes; then (or every 2 s, where the
    stream cannot work) it asks for its room again with the key it shows."""
    workshop = _workshop_for_participant(request, code)
    if workshop is None:
        return redirect("workshops:join_code", code.upper())
    if request.htmx:
        if request.GET.get("k") == _participant_key(workshop):
            return HttpResponse(status=204)
        return render(request, "workshops/live.html#room", _participant_context(request, workshop))
    context = _participant_context(request, workshop)
    if context["participant"] is None:
        return redirect("workshops:join_code", code.upper())
    return render(request, "workshops/live.html", context)


@require_POST
def vote(request: HttpRequest, code: str) -> HttpResponse:
    workshop, participant, gone = _phone(request, code)
    if gone:
        return gone
    form = VoteForm(request.POST, levels=workshop.level_numbers)
    error = None
    if form.is_valid():
        try:
            level = form.cleaned_data["level"]
            vote_round = workshop.vote(participant, form.cleaned_data["area"], level)
            said = (
                f"Your vote is in: level {level}. You can change it until the votes are revealed."
            )
            if not request.htmx:
                messages.success(request, said)
                return redirect("workshops:live", workshop.join_code)
            votes = {f"{form.cleaned_data['area']}:{vote_round}": level}
            return _taken(said, "vote", votes=votes)
        except ValidationError as e:
            error = e.messages[0]
    else:
        error = (form.errors.get("level") or form.errors.get("area") or ["Choose a level."])[0]
    if error:
        context = _participant_context(request, workshop, known=participant)
    context["vote_error"] = error
    template = "workshops/live.html#room" if request.htmx else "workshops/live.html"
    return render(request, template, context, status=200 if request.htmx else 400)


def _phone(request: HttpRequest, code: str):
    """The workshop and this phone's participant, or a redirect to join:
    only what a post needs to act, in one query."""
    seat = _seat(request, code)
    participant = None
    if seat is not None:  # one row at most: no ordering to build
        participant = next(iter(seat.select_related("workshop__team")[:1]), None)
    if participant is None:
        return None, None, redirect("workshops:join_code", code.upper())
    return participant.workshop, participant, None


def _taken(said: str, where: str, *, saved: bool = False, **own) -> HttpResponse:
    """A phone's post, taken, answered to htmx with what changed of the
    phone's own (`own`: its votes, one area's notes, or its dots) and what
    to say (`where`: beside the vote, or at the top of the room). The phone
    merges it into what it keeps and marks its room itself
    (static/js/workshop.js): nothing of the room is drawn again."""
    # What a phone typed comes back in it: <, > and & escaped as in
    # json_script, so no answer carries markup, whoever reads it as what.
    answer = json.dumps({"mine": own, "said": said, "where": where}).translate(JSON_ESCAPES)
    response = HttpResponse(answer, content_type="application/json")
    response["X-Phone-Answer"] = "mine"
    response["HX-Reswap"] = "none"
    if saved:
        # The phone's offline queue (static/js/workshop.js) drops a note it
        # kept only when the service says it is saved.
        response["X-Note-Saved"] = "true"
    return response


def _phone_answer(
    request, workshop, participant, *, error=None, success=None, saved=False, **extra
):
    """After a phone's note or dot: htmx gets its screen redrawn (with the
    outcome announced); a plain form post is redirected back to it."""
    extra["known"] = participant
    if not request.htmx:
        if error:
            context = _participant_context(request, workshop, phone_error=error, **extra)
            return render(request, "workshops/live.html", context, status=400)
        if success:
            messages.success(request, success)
        return redirect("workshops:live", workshop.join_code)
    context = _participant_context(
        request, workshop, phone_error=error, phone_success=success, **extra
    )
    response = render(request, "workshops/live.html#room", context)
    if saved:
        # The phone's offline queue (static/js/workshop.js) drops a note it
        # kept only when the service says it is saved.
        response["X-Note-Saved"] = "true"
    return response


@require_POST
def note(request: HttpRequest, code: str) -> HttpResponse:
    """Add, change or delete one of this phone's own notes on the area on
    screen. A note id that is not this participant's is refused."""
    workshop, participant, gone = _phone(request, code)
    if gone:
        return gone
    area = workshop.current_area
    if "delete" in request.POST:
        try:
            workshop.delete_note(participant, request.POST.get("delete"))
            if request.htmx and area:
                return _taken("Your note is deleted.", "room", notes=_notes_on(participant, area))
            return _phone_answer(request, workshop, participant, success="Your note is deleted.")
        except ValidationError as error:
            return _phone_answer(request, workshop, participant, error=error.messages[0])
    form = NoteForm(request.POST)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return _phone_answer(request, workshop, participant, error=first, note_form=form)
    data = form.cleaned_data
    try:
        if data.get("note"):
            workshop.change_note(participant, data["note"], data["kind"], data["text"])
            success = "Your note is changed."
        else:
            if area is None or str(area["id"]) != str(data.get("area")):
                raise ValidationError(
                    "Notes for that area are not open. Add notes to the area on screen."
                )
            workshop.add_note(participant, data["area"], data["kind"], data["text"])
            success = "Your note is added. Nobody sees it until the facilitator shows the notes."
            if request.htmx:
                notes = _notes_on(participant, area)
                return _taken(success, "room", saved=True, notes=notes)
    except ValidationError as error:
        return _phone_answer(
            request, workshop, participant, error=error.messages[0], note_form=form
        )
    return _phone_answer(request, workshop, participant, success=success, saved=True)


def move_dot(workshop: Workshop, participant: Participant, data, *, ahead: bool = False) -> str:
    """Place a dot on the area `data` names, or take one back (`action`),
    in the room or (`ahead`) while scoring ahead; what to say, or
    ValidationError with the reason."""
    area = workshop.area_by_id(data.get("area"))
    if area is None:
        raise ValidationError(f"Choose one of the {workshop.area_count} areas.")
    if data.get("action") == "add":
        workshop.place_dot(participant, area["id"], ahead=ahead)
        return f"You placed a dot on {area['name']}."
    if data.get("action") == "remove":
        workshop.remove_dot(participant, area["id"], ahead=ahead)
        return f"You took a dot back from {area['name']}."
    raise ValidationError("Place a dot or take one back.")


@require_POST
def dot(request: HttpRequest, code: str) -> HttpResponse:
    """Place a dot on an area, or take one back, at the choose step."""
    workshop, participant, gone = _phone(request, code)
    if gone:
        return gone
    try:
        success = move_dot(workshop, participant, request.POST)
    except ValidationError as error:
        return _phone_answer(request, workshop, participant, error=error.messages[0])
    if request.htmx:
        return _taken(success, "room", dots=mine(participant, only="dots")["dots"])
    return _phone_answer(request, workshop, participant, success=success)
