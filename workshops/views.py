"""The live workshop: the facilitator's shared screen and the summary the
team keeps (the participants' phones: workshops/phone.py).

Every state change is a POST that names its target (step 3, area 12), so a
double click or a retried request changes nothing the second time. Open
screens are told of changes over a stream (workshops/streams.py); where a
stream cannot work they poll their live regions, carrying the version they
show, and an unchanged workshop answers 204.
"""

from __future__ import annotations

import functools
import json

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh, reswap, retarget

from experiments.models import Experiment
from maturity.models import MaturityModel
from teams.models import either_noun, in_its_team
from teams.roles import is_admin, is_facilitator
from workshops.forms import (
    ChooseForm,
    ExperimentForm,
    RecordForm,
    WorkshopForm,
)
from workshops.models import (
    AreaScore,
    Note,
    Workshop,
)

# Access: one place per object.


def _can_run(workshop: Workshop, user) -> bool:
    return workshop.facilitator_id == user.pk or is_admin(user)


def _get_workshop_for_user(request: HttpRequest, pk: int, *, run: bool = False) -> Workshop:
    """The facilitator and admins run a workshop; the team's members may look.
    Anyone else is told it does not exist."""
    workshop = get_object_or_404(
        Workshop.objects.select_related("team", "facilitator", "chosen_area").annotate(
            viewer_is_member=in_its_team(request.user, Workshop)
        ),
        pk=pk,
    )
    if _can_run(workshop, request.user):
        return workshop
    if workshop.viewer_is_member:
        if run:
            raise PermissionDenied("Only the workshop's facilitator can change it.")
        return workshop
    raise Http404("No such workshop.")


def can_read(workshop: Workshop, user) -> bool:
    """Whom _get_workshop_for_user lets look, for a page that already holds
    the workshop (a phone's, to link the summary)."""
    return user.is_authenticated and (_can_run(workshop, user) or workshop.team.has_member(user))


def _require_facilitator(request: HttpRequest) -> None:
    if not is_facilitator(request.user):
        raise PermissionDenied("Only facilitators run workshops.")


# The facilitator's pages.


@require_GET
@login_required
def workshop_list(request: HttpRequest) -> HttpResponse:
    _require_facilitator(request)
    workshops = list(Workshop.objects.run_by(request.user))
    groups = either_noun(workshop.team for workshop in workshops)  # "Team or board"
    return render(request, "workshops/list.html", {"workshops": workshops, "groups": groups})


@require_http_methods(["GET", "POST"])
@login_required
def create(request: HttpRequest) -> HttpResponse:
    _require_facilitator(request)
    default = MaturityModel.default()
    if default is None:
        messages.error(request, "Load a maturity model before running a workshop.")
        return render(request, "workshops/create.html", {})
    form = WorkshopForm(
        request.POST or None, initial={"team": request.GET.get("team")}, default=default
    )
    if form.is_valid():
        model = form.cleaned_data["model"]
        workshop = Workshop.objects.create(
            team=form.cleaned_data["team"],
            facilitator=request.user,
            title=form.cleaned_data["title"],
            held_on=form.cleaned_data["held_on"],
            model=model,
            rubric=model.snapshot(),
        )
        if form.cleaned_data["until"]:
            workshop.open_ahead(form.cleaned_data["until"])
            return redirect("workshops:ahead_setup", workshop.pk)
        return redirect("workshops:present", workshop.pk)
    context = {"form": form, "last_used_json": json.dumps(form.last_used)}
    return render(request, "workshops/create.html", context)


def _present_context(request: HttpRequest, workshop: Workshop, **forms) -> dict:
    """Everything the shared screen shows at the workshop's current step.
    Query count does not depend on how many people joined."""
    step = workshop.step
    area = workshop.current_area
    context = {
        "workshop": workshop,
        "can_run": _can_run(workshop, request.user),
        "area": area,
        "join_url": _join_url(request, workshop),
    }
    context["qr"] = _qr(context["join_url"])
    score = None
    if area:  # read once: the live region's state and the record form's values
        score = forms.get("score") or workshop.score_for(area["id"])
    context.update(_live_context(workshop, score))
    if step == 0:
        if workshop.was_open_ahead and not workshop.session_started:
            context["ahead_people"] = workshop.participants.filter(ahead=True).count()
        previous = Workshop.objects.previous_to(workshop).first()
        # In one query: the previous workshop's experiment and the team's
        # open one (planned or running, not agreed in this workshop).
        open_ = Q(status__in=["planned", "running"]) & ~Q(workshop=workshop)
        found = list(  # newest first, as each was asked for on its own
            Experiment.objects.filter(team=workshop.team_id)
            .filter(open_ | Q(workshop=previous) if previous else open_)
            .select_related("area")
        )
        if previous:
            context["previous"] = previous
            context["previous_scores"] = _scored_areas(previous, spreads=False)
            context["previous_experiment"] = next(
                (e for e in found if e.workshop_id == previous.pk), None
            )
        open_experiment = next(
            (e for e in found if e.is_open and e.workshop_id != workshop.pk), None
        )
        if open_experiment:
            context["open_experiment"] = open_experiment
            context["open_experiment_url"] = reverse(
                "experiments:detail", args=[open_experiment.pk]
            )
    elif area:
        context["score"] = score
        context["record_form"] = forms.get("record_form") or _record_form(area, score)
    elif step in (workshop.choose_step, workshop.summary_step):
        context["scored_areas"] = _scored_areas(workshop)
        if step == workshop.summary_step:
            context["experiment"] = _agreed_experiment(workshop)
        context["choose_form"] = forms.get("choose_form") or ChooseForm(
            areas=workshop.areas,
            team=workshop.team,
            scores=context["scored_areas"],
            initial={"area": workshop.chosen_area_id},
        )
    elif step == workshop.experiment_step:
        context["experiment_form"] = forms.get("experiment_form") or _experiment_form(workshop)
    return context


def _live_context(workshop: Workshop, score: AreaScore | None = None) -> dict:
    """The region other people change: who joined, voted, added notes or
    placed dots; the reveal; the cards once shown. Its query count does not
    depend on how many people, votes, notes or dots there are. `score`, the
    current area's row if the caller has read it, saves reading its state."""
    area = workshop.current_area
    context = {}
    if area:
        if score is not None:
            revealed, vote_round, notes_shown = (
                score.revealed_at is not None, score.vote_round, score.notes_shown_at is not None
            )  # fmt: skip
        else:
            revealed, vote_round, notes_shown = workshop._area_state(area["id"])
        context.update(revealed=revealed, vote_round=vote_round, notes_shown=notes_shown)
        context["room"] = workshop.room(vote_round)
        if revealed:
            context["spread"] = workshop.spreads({area["id"]: vote_round})[area["id"]]
        if notes_shown:
            cards = list(
                Note.objects.filter(workshop=workshop, area_id=area["id"]).only(
                    "id", "kind", "text", "hidden", "added_at", "area_id"
                )
            )
            context["cards"] = {
                kind: [c for c in cards if c.kind == kind] for kind in Note.Kind.values
            }
            context["hidden_cards"] = sum(c.hidden for c in cards)
            context["card_kinds"] = Note.Kind.choices
    else:
        context["room"] = workshop.room()
        if workshop.step == workshop.choose_step and workshop.dots_revealed_at:
            context["tally"] = _tally(workshop)
    return context


def _tally(workshop: Workshop) -> list[tuple[dict, int, int]]:
    """The room's dots per area, with each bar's width in tenths of the
    longest (one query)."""
    tally = workshop.dot_tally()
    top = max(tally.values(), default=0) or 1
    return [(a, tally[a["id"]], round(10 * tally[a["id"]] / top)) for a in workshop.areas]


def _scored_areas(workshop: Workshop, *, cards: bool = False, spreads: bool = True) -> list[dict]:
    """Each area of the pinned rubric with its agreed score, the descriptor
    of that level as the team saw it, the notes and the spread of the latest
    round (and earlier rounds); with `cards`, the cards shown on the screen
    and not hidden; without `spreads` (the opening's look back), no votes
    are read and every spread is empty."""
    scores = workshop.scores_by_area()
    rounds = {area_id: s.vote_round for area_id, s in scores.items()}
    by_round = workshop.spreads_by_round(rounds) if spreads else {}
    shown_cards: dict[int, list[Note]] = {}
    if cards:
        shown = [a for a, s in scores.items() if s.notes_shown_at]
        for note in Note.objects.filter(workshop=workshop, area_id__in=shown, hidden=False).only(
            "id", "kind", "text", "area_id", "added_at"
        ):
            shown_cards.setdefault(note.area_id, []).append(note)
    rows = []
    for area in workshop.areas:
        score = scores.get(area["id"])
        latest = rounds.get(area["id"], 1)
        level = None
        if score and score.score:
            level = next((lv for lv in area["levels"] if lv["number"] == score.score), None)
        area_spreads = by_round.get(area["id"], {})
        rows.append(
            {
                "area": area,
                "score": score,
                "level": level,
                "spread": area_spreads.get(latest) or workshop._empty_spread(),
                "vote_round": latest,
                "earlier": [(r, area_spreads[r]) for r in sorted(area_spreads) if r < latest],
                "cards": shown_cards.get(area["id"], []),
                "chosen": workshop.chosen_area_id == area["id"],
                "out_of": workshop.highest_level,
            }
        )
    return rows


def _record_form(area: dict, score: AreaScore) -> RecordForm:
    """The agreed score and notes as last saved, carrying their revision."""
    return RecordForm(
        levels=area["levels"],
        initial={
            "area": area["id"],
            "revision": score.notes_revision,
            "score": score.score,
            "helps": score.helps,
            "holds_back": score.holds_back,
        },
    )


# What the experiment step's form shows of an experiment already written.
EXPERIMENT_FORM_FIELDS = (
    "change",
    "outcome",
    "signal",
    "first_actions",
    "owner_name",
    "review_date",
)


def _experiment_form(workshop: Workshop, data=None) -> ExperimentForm:
    initial = (
        Experiment.objects.filter(workshop=workshop).values(*EXPERIMENT_FORM_FIELDS).first()
    ) or {"review_date": workshop.default_review_date()}
    return ExperimentForm(data, team=workshop.team, initial=initial)


@require_GET
@login_required
def present(request: HttpRequest, pk: int) -> HttpResponse:
    """The shared screen. Its stream, or its fallback poll, asks for the
    live region only."""
    workshop = _get_workshop_for_user(request, pk)
    if request.htmx:
        return _poll(request, workshop, can_run=_can_run(workshop, request.user))
    return render(request, "workshops/present.html", _present_context(request, workshop))


def _poll(request: HttpRequest, workshop: Workshop, **context) -> HttpResponse:
    """A shared screen's poll (the facilitator's or presenter mode): 204 if
    it shows this version, a whole reload if the step moved on (another tab
    did it), else the live region and the cards."""
    if request.GET.get("s") not in (None, str(workshop.step)):
        return HttpResponseClientRefresh()
    if request.GET.get("v") == str(workshop.version):
        return HttpResponse(status=204)
    context.update(workshop=workshop, **_live_context(workshop))
    return render(request, "workshops/present.html#poll", context)


@require_GET
@login_required
def screen(request: HttpRequest, pk: int) -> HttpResponse:
    """Presenter mode: the shared screen for a projector, large type and no
    controls; the facilitator keeps the controls on their own screen. It is
    pushed (or polls) as the shared screen is."""
    workshop = _get_workshop_for_user(request, pk)
    if request.htmx:
        return _poll(request, workshop, can_run=False, screen=True)
    context = {
        "workshop": workshop,
        "can_run": False,
        "screen": True,
        "area": workshop.current_area,
        "join_url": _join_url(request, workshop),
    }
    context["qr"] = _qr(context["join_url"])
    context.update(_live_context(workshop))
    if workshop.step in (workshop.choose_step, workshop.summary_step):
        context["scored_areas"] = _scored_areas(workshop)
    if workshop.step == workshop.summary_step:
        context["experiment"] = _agreed_experiment(workshop)
    return render(request, "workshops/screen.html", context)


def _agreed_experiment(workshop: Workshop) -> Experiment | None:
    """The experiment written in this workshop, for the room's last screen."""
    return Experiment.objects.filter(workshop=workshop).select_related("area", "owner").first()


def _join_url(request: HttpRequest, workshop: Workshop) -> str:
    return request.build_absolute_uri(reverse("workshops:join_code", args=[workshop.join_code]))


@functools.lru_cache(maxsize=1024)
def _qr(url: str) -> str:
    """The join link's QR code: about 10 ms of pure Python to draw, and the
    same for every full screen of a workshop, so each process keeps it."""
    # A viewBox and no size: the stylesheet sizes it to the screen (a small
    # one in the band at the top, a large one on the projector) and the
    # whole code scales, where a fixed size would be cut off and not scan.
    return segno.make(url, error="m").svg_inline(
        scale=4, svgclass="app-qr", title="QR code: scan to join the workshop", omitsize=True
    )


def _back(workshop: Workshop) -> HttpResponse:
    return redirect("workshops:present", workshop.pk)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_POST
@login_required
def go_to(request: HttpRequest, pk: int) -> HttpResponse:
    step = _int(request.POST.get("step"))

    def act(workshop: Workshop) -> bool:
        if step is None:
            raise ValidationError("Say which step to go to.")
        return workshop.go_to(step)

    return _act(request, pk, act)


@require_POST
@login_required
def set_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Pause, resume or close. Closing ends the join code."""
    workshop = _get_workshop_for_user(request, pk, run=True)
    status = request.POST.get("status", "")
    try:
        changed = workshop.set_status(status)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return _back(workshop)
    if changed and status == Workshop.Status.CLOSED:
        messages.success(request, "Workshop closed. The join code no longer works.")
        return redirect("workshops:summary", workshop.pk)
    return _back(workshop)


@require_POST
@login_required
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_user(request, pk, run=True)
    error = None
    try:
        workshop.reveal(request.POST.get("area"))
    except ValidationError as e:
        error = e.messages[0]
    if request.htmx:
        # The live region only: a reveal does not change the cards (and the
        # stream is sending them to every screen at the same moment).
        context = {"workshop": workshop, "can_run": True, "live_error": error}
        context.update(_live_context(workshop))
        return render(request, "workshops/present.html#live", context)
    if error:
        messages.error(request, error)
    return _back(workshop)


def _act(request: HttpRequest, pk: int, action, success: str | None = None) -> HttpResponse:
    """A facilitator's button that changes one thing and comes back to the
    shared screen (a plain form post; repeats change nothing)."""
    workshop = _get_workshop_for_user(request, pk, run=True)
    try:
        if action(workshop) and success:
            messages.success(request, success)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return _back(workshop)


@require_POST
@login_required
def revote(request: HttpRequest, pk: int) -> HttpResponse:
    """Open voting again on a revealed area: the earlier round is kept."""
    return _act(
        request,
        pk,
        lambda w: w.revote(request.POST.get("area")),
        "Voting is open again. The earlier round's votes are kept in the record.",
    )


@require_POST
@login_required
def show_notes(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda w: w.show_notes(request.POST.get("area")))


@require_POST
@login_required
def card(request: HttpRequest, pk: int) -> HttpResponse:
    """One card on the screen: hide it, show it again, or add it to the
    agreed notes."""
    note, action = request.POST.get("note"), request.POST.get("action")

    def act(workshop: Workshop) -> bool:
        if action == "hide":
            return workshop.hide_note(note)
        if action == "show":
            return workshop.hide_note(note, hidden=False)
        if action == "record":
            return workshop.add_note_to_record(note)
        raise ValidationError("Choose what to do with the card.")

    messages_for = {
        "record": "Added to the agreed notes, where you can still change it.",
        "hide": "Card hidden from the screen. It is kept in the workshop's record.",
    }
    return _act(request, pk, act, messages_for.get(action))


@require_POST
@login_required
def reveal_dots(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda w: w.reveal_dots())


@require_POST
@login_required
def timer(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_user(request, pk, run=True)
    minutes = _int(request.POST.get("minutes"))
    error = None
    try:
        if minutes is not None and not 1 <= minutes <= 60:
            raise ValidationError("Set the timer between 1 and 60 minutes.")
        workshop.timer(request.POST.get("action", ""), minutes)
    except ValidationError as e:
        error = e.messages[0]
    if request.htmx:
        return render(
            request,
            "workshops/includes/timer.html",
            {"workshop": workshop, "can_run": True, "swap": True, "timer_error": error},
        )
    if error:
        messages.error(request, error)
    return _back(workshop)


@require_POST
@login_required
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the agreed score and notes (the notes autosave as they are typed)."""
    workshop = _get_workshop_for_user(request, pk, run=True)
    area = workshop.area_by_id(request.POST.get("area"))
    if area is None:
        message = "That area is not part of this workshop. Reload the page."
        if request.htmx:
            return HttpResponse(message)
        messages.error(request, message)
        return _back(workshop)
    form = RecordForm(request.POST, levels=area["levels"])
    conflict = False
    saved = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = workshop.record(
                area["id"],
                score=data["score"],
                helps=data["helps"],
                holds_back=data["holds_back"],
                revision=data["revision"],
            )
            conflict = not saved
        except ValidationError as error:
            form.add_error(None, error)
    if saved and not request.htmx:
        messages.success(request, f"Saved the score and notes for {area['name']}.")
        return _back(workshop)
    if saved:
        # Leave the text being typed alone: update the status and revision
        # only. The revision saved is the one sent plus one (Workshop.record).
        score = AreaScore(area_id=area["id"], notes_revision=form.cleaned_data["revision"] + 1)
        return render(request, "workshops/present.html#autosaved", {"score": score})
    score = workshop.score_for(area["id"])
    if conflict:
        # Newer text was saved elsewhere: show it, and hand back what was
        # typed here so nothing is lost.
        unsaved = form.cleaned_data
        form = _record_form(area, score)
    else:
        unsaved = None
    context = {
        "workshop": workshop,
        "can_run": True,
        "area": area,
        "score": score,
        "record_form": form,
        "conflict": conflict,
        "unsaved": unsaved,
    }
    if request.htmx:
        response = render(request, "workshops/present.html#record", context)
        return reswap(retarget(response, "#record"), "outerHTML")
    if workshop.current_area != area:
        messages.error(request, "That area is no longer on screen.")
        return _back(workshop)
    full = _present_context(request, workshop, record_form=form, score=score)
    full.update(conflict=conflict, unsaved=unsaved)
    return render(request, "workshops/present.html", full)


@require_POST
@login_required
def choose(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_user(request, pk, run=True)
    form = ChooseForm(
        request.POST, areas=workshop.areas, team=workshop.team, scores=_scored_areas(workshop)
    )
    unscored = None
    if form.is_valid():
        try:
            workshop.choose(form.cleaned_data["area"])
            if workshop.step < workshop.experiment_step:
                workshop.go_to(workshop.experiment_step)
            return _back(workshop)
        except ValidationError as error:
            form.add_error("area", error)
            if error.code == "not_scored":  # and a way back to score it
                unscored = {"step": error.params["step"], "name": error.params["area"]}
    if workshop.step != workshop.choose_step:
        messages.error(request, form.errors.get("area", ["Choose one area."])[0])
        return _back(workshop)
    context = _present_context(request, workshop, choose_form=form)
    context["unscored"] = unscored
    return render(request, "workshops/present.html", context)


@require_POST
@login_required
def experiment(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the hypothesis as a planned experiment (again on a revisit)."""
    workshop = _get_workshop_for_user(request, pk, run=True)
    form = _experiment_form(workshop, request.POST)
    if workshop.chosen_area_id is None:
        form.add_error(None, "Choose the area to work on before writing the experiment.")
    if workshop.is_closed:
        form.add_error(None, "This workshop is closed. Its summary can no longer change.")
    if form.is_valid():
        data = form.cleaned_data
        fields = {
            "team": workshop.team,
            "area_id": workshop.chosen_area_id,
            "change": data["change"].strip(),
            "outcome": data["outcome"].strip(),
            "signal": data["signal"].strip(),
            "first_actions": data["first_actions"].strip(),
            "owner": data["owner"],
            "owner_name": "" if data["owner"] else data["owner_name"].strip(),
            "review_date": data["review_date"],
        }
        Experiment.objects.update_or_create(
            workshop=workshop,
            defaults=fields,
            create_defaults={
                **fields,
                "created_by": request.user,
                "status": Experiment.Status.PLANNED,
            },
        )
        workshop.go_to(workshop.summary_step)
        workshop.bump_version()
        messages.success(request, "Experiment saved as planned.")
        return _back(workshop)
    if workshop.step != workshop.experiment_step and not workshop.is_closed:
        workshop.go_to(workshop.experiment_step)
    return render(
        request,
        "workshops/present.html",
        _present_context(request, workshop, experiment_form=form),
    )
