"""Scoring ahead, for the people taking part: before the session, each
person goes through the areas in their own time, from the link or the
code, signed in or under a typed name as at a live join. Their vote, notes
and dots are the same rows a phone makes in the room (a participant marked
`ahead`), so the session starts with them in, and retention, download and
erasure treat them as they treat the room's. A person sees only their own;
they can change anything until scoring ahead closes.

Plain forms throughout: every page works without JavaScript. The
facilitator's side is in workshops/ahead_setup.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from workshops.forms import AheadJoinForm, NoteForm, VoteForm
from workshops.models import (
    DOTS_PER_PARTICIPANT,
    NOTE_MAX,
    NOTES_PER_AREA,
    Dot,
    FailedJoin,
    Participant,
    Vote,
    Workshop,
)
from workshops.phone import SESSION_KEY, _client, _join, mine, move_dot, own_notes


def _workshop(request: HttpRequest, code: str) -> Workshop:
    """The workshop the link names. A code that names none counts as a
    failed join, as at the join form, so links cannot be guessed either."""
    client = _client(request)
    if FailedJoin.is_blocked(client):
        raise Http404("Too many codes that did not work.")
    workshop = Workshop.objects.filter(join_code=code.upper()).select_related("team").first()
    if workshop is None:
        FailedJoin.record(client)
        raise Http404("No workshop has that code.")
    return workshop


def _participant(request: HttpRequest, workshop: Workshop) -> Participant | None:
    """This browser's place in the workshop (its session's token), or the
    signed-in person's, wherever they took part from."""
    token = request.session.get(SESSION_KEY, {}).get(workshop.join_code)
    participant = (
        Participant.objects.filter(workshop=workshop, token=token).first() if token else None
    )
    if participant is None and request.user.is_authenticated:
        participant = Participant.objects.filter(workshop=workshop, user=request.user).first()
        if participant is not None:  # the same place from another device
            tokens = request.session.get(SESSION_KEY, {})
            tokens[workshop.join_code] = str(participant.token)
            request.session[SESSION_KEY] = tokens
    return participant


def _scorer(request: HttpRequest, code: str):
    """The workshop and this person's place in it, or the way to take one."""
    workshop = _workshop(request, code)
    participant = _participant(request, workshop)
    if participant is None:
        return workshop, None, redirect("workshops:ahead", workshop.join_code)
    return workshop, participant, None


def _common(workshop: Workshop, participant: Participant | None) -> dict:
    return {
        "workshop": workshop,
        "participant": participant,
        "ahead_open": workshop.ahead_open,
        "live_url": reverse("workshops:live", args=[workshop.join_code]),
    }


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, code: str) -> HttpResponse:
    """The link's page: take part (a name is optional), then every area
    with what this person gave, and their dots."""
    workshop = _workshop(request, code)
    participant = _participant(request, workshop)
    context = _common(workshop, participant)
    if participant is None:
        form = AheadJoinForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and workshop.ahead_open and form.is_valid():
            _join(request, workshop, form.cleaned_data["display_name"])
            return redirect("workshops:ahead_area", workshop.join_code, 1)
        context["form"] = form
        return render(request, "workshops/ahead.html", context)
    if request.method == "POST":  # taken part already (a second tab)
        return redirect("workshops:ahead", workshop.join_code)
    votes = dict(
        Vote.objects.filter(participant=participant, round=1).values_list("area_id", "level")
    )
    notes: dict[int, int] = {}
    for area_id in participant.notes.values_list("area_id", flat=True):
        notes[area_id] = notes.get(area_id, 0) + 1
    context["rows"] = [
        {
            "number": number,
            "area": area,
            "vote": votes.get(area["id"]),
            "notes": notes.get(area["id"], 0),
        }
        for number, area in enumerate(workshop.areas, start=1)
    ]
    context["scored"] = sum(1 for row in context["rows"] if row["vote"])
    context["dots"] = participant.dots.count()
    context["dots_per_participant"] = DOTS_PER_PARTICIPANT
    return render(request, "workshops/ahead.html", context)


def _area(workshop: Workshop, number: int) -> dict:
    area = workshop.area_for_step(number)
    if area is None:
        raise Http404("There is no such area in this workshop.")
    return area


def _area_context(
    request: HttpRequest, workshop: Workshop, participant: Participant, number: int, **extra
) -> dict:
    """One area as a person scoring ahead sees it: its levels and prompts,
    their own vote and their own notes, nobody else's."""
    area = _area(workshop, number)
    revealed, vote_round, notes_shown = workshop._area_state(area["id"])
    context = _common(workshop, participant)
    context.update(
        area=area,
        number=number,
        next_number=number + 1 if number < workshop.area_count else None,
        revealed=revealed,
        notes_shown=notes_shown,
        note_max=NOTE_MAX,
        notes_per_area=NOTES_PER_AREA,
        my_vote=Vote.objects.filter(participant=participant, area_id=area["id"], round=vote_round)
        .values_list("level", flat=True)
        .first(),
        note_url=reverse("workshops:ahead_note", args=[workshop.join_code, number]),
        back_url=reverse("workshops:ahead_area", args=[workshop.join_code, number]),
    )
    notes = mine(participant, only="notes", area=area["id"])["notes"].get(str(area["id"]), [])
    context.update(own_notes(request, notes, extra))
    context.update(extra)
    return context


@require_http_methods(["GET", "POST"])
def area(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """One area: its levels as buttons to vote with, the prompts, and the
    person's notes. A vote can be changed until scoring ahead closes."""
    workshop, participant, gone = _scorer(request, code)
    if gone:
        return gone
    here = _area(workshop, number)
    error = None
    if request.method == "POST":
        form = VoteForm(request.POST, levels=workshop.level_numbers)
        if form.is_valid() and form.cleaned_data["area"] == here["id"]:
            level = form.cleaned_data["level"]
            try:
                workshop.vote(participant, here["id"], level, ahead=True)
                messages.success(
                    request,
                    f"Your vote on {here['name']} is in: level {level}. "
                    "You can change it until scoring ahead closes.",
                )
                return redirect("workshops:ahead_area", workshop.join_code, number)
            except ValidationError as e:
                error = e.messages[0]
        else:
            error = (form.errors.get("level") or ["Choose a level."])[0]
    context = _area_context(request, workshop, participant, number, vote_error=error)
    return render(request, "workshops/ahead_area.html", context, status=400 if error else 200)


@require_POST
def note(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """Add, change or delete one of this person's own notes on an area."""
    workshop, participant, gone = _scorer(request, code)
    if gone:
        return gone
    here = _area(workshop, number)
    form = NoteForm(request.POST)
    success = None
    try:
        if "delete" in request.POST:
            workshop.delete_note(participant, request.POST.get("delete"), ahead=True)
            success = "Your note is deleted."
        elif not form.is_valid():
            raise ValidationError(next(iter(form.errors.values()))[0])
        elif form.cleaned_data.get("note"):
            data = form.cleaned_data
            workshop.change_note(participant, data["note"], data["kind"], data["text"], ahead=True)
            success = "Your note is changed."
        else:
            data = form.cleaned_data
            workshop.add_note(participant, here["id"], data["kind"], data["text"], ahead=True)
            success = "Your note is added. Nobody sees it until the facilitator shows the notes."
    except ValidationError as error:
        context = _area_context(
            request,
            workshop,
            participant,
            number,
            phone_error=error.messages[0],
            **({} if "delete" in request.POST else {"note_form": form}),
        )
        if request.htmx:
            return render(request, "workshops/ahead_area.html#room", context)
        return render(request, "workshops/ahead_area.html", context, status=400)
    if request.htmx:
        context = _area_context(request, workshop, participant, number, phone_success=success)
        return render(request, "workshops/ahead_area.html#room", context)
    messages.success(request, success)
    return redirect(reverse("workshops:ahead_area", args=[workshop.join_code, number]) + "#notes")


@require_http_methods(["GET", "POST"])
def dots(request: HttpRequest, code: str) -> HttpResponse:
    """Where the person would most like the group to work: their dots,
    placed as at the choose step, and counted there with the room's."""
    workshop, participant, gone = _scorer(request, code)
    if gone:
        return gone
    error = None
    if request.method == "POST":
        try:
            messages.success(request, move_dot(workshop, participant, request.POST, ahead=True))
            return redirect("workshops:ahead_dots", workshop.join_code)
        except ValidationError as e:
            error = e.messages[0]
    mine: dict[int, int] = {}
    for area_id in Dot.objects.filter(participant=participant).values_list("area_id", flat=True):
        mine[area_id] = mine.get(area_id, 0) + 1
    votes = dict(
        Vote.objects.filter(participant=participant, round=1).values_list("area_id", "level")
    )
    context = _common(workshop, participant)
    context.update(
        dot_error=error,
        rows=[
            {"area": a, "mine": mine.get(a["id"], 0), "vote": votes.get(a["id"])}
            for a in workshop.areas
        ],
        dots_left=DOTS_PER_PARTICIPANT - sum(mine.values()),
        dots_per_participant=DOTS_PER_PARTICIPANT,
        dots_counted=workshop.dots_revealed_at is not None,
    )
    return render(request, "workshops/ahead_dots.html", context, status=400 if error else 200)
