"""The live workshop: the facilitator's shared screen, the participants'
phones, and the summary the team keeps.

Every state change is a POST that names its target (step 3, area 12), so a
double click or a retried request changes nothing the second time. Screens
poll only their live regions and carry the version they show; an unchanged
workshop answers 204.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.signing import BadSignature, Signer
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh, reswap, retarget

from experiments.models import Experiment
from maturity.models import MaturityModel
from teams.roles import is_admin, is_facilitator
from workshops.forms import (
    ChooseForm,
    ExperimentForm,
    JoinForm,
    RecordForm,
    VoteForm,
    WorkshopForm,
)
from workshops.models import (
    AreaScore,
    FailedJoin,
    Participant,
    Vote,
    Workshop,
    participant_key,
)
from workshops.poll_cache import poll_keys, screen_keys

SESSION_KEY = "workshop_participants"


# Access: one place per object.


def _can_run(workshop: Workshop, user) -> bool:
    return workshop.facilitator_id == user.pk or is_admin(user)


def _get_workshop_for_user(request: HttpRequest, pk: int, *, run: bool = False) -> Workshop:
    """The facilitator and admins run a workshop; the team's members may look.
    Anyone else is told it does not exist."""
    workshop = get_object_or_404(
        Workshop.objects.select_related("team", "facilitator", "chosen_area"), pk=pk
    )
    if _can_run(workshop, request.user):
        return workshop
    if workshop.team.has_member(request.user):
        if run:
            raise PermissionDenied("Only the workshop's facilitator can change it.")
        return workshop
    raise Http404("No such workshop.")


def _require_facilitator(request: HttpRequest) -> None:
    if not is_facilitator(request.user):
        raise PermissionDenied("Only facilitators run workshops.")


def _client(request: HttpRequest) -> str:
    """Who is guessing codes. Behind our TLS proxy (BEHIND_PROXY) the address
    the proxy saw is the last X-Forwarded-For entry; earlier ones are the
    client's own claims and could be forged."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE_PROXY_SSL_HEADER and forwarded:
        return forwarded.split(",")[-1].strip()[:64]
    return request.META.get("REMOTE_ADDR", "unknown")[:64]


# The facilitator's pages.


@require_GET
@login_required
def workshop_list(request: HttpRequest) -> HttpResponse:
    _require_facilitator(request)
    workshops = Workshop.objects.run_by(request.user)
    return render(request, "workshops/list.html", {"workshops": workshops})


@require_http_methods(["GET", "POST"])
@login_required
def create(request: HttpRequest) -> HttpResponse:
    _require_facilitator(request)
    default = MaturityModel.default()
    form = WorkshopForm(
        request.POST or None,
        initial={"team": request.GET.get("team"), "model": default and default.pk},
    )
    if default is None:
        messages.error(request, "Load a maturity model before running a workshop.")
    elif form.is_valid():
        model = form.cleaned_data["model"] or default
        workshop = Workshop.objects.create(
            team=form.cleaned_data["team"],
            facilitator=request.user,
            title=form.cleaned_data["title"],
            held_on=form.cleaned_data["held_on"],
            model=model,
            rubric=model.snapshot(),
        )
        return redirect("workshops:present", workshop.pk)
    return render(request, "workshops/create.html", {"form": form})


def _present_context(request: HttpRequest, workshop: Workshop, **forms) -> dict:
    """Everything the shared screen shows at the workshop's current step.
    Query count does not depend on how many people joined."""
    step = workshop.step
    area = workshop.current_area
    context = {
        "workshop": workshop,
        "can_run": _can_run(workshop, request.user),
        "area": area,
        "join_url": request.build_absolute_uri(
            reverse("workshops:join_code", args=[workshop.join_code])
        ),
    }
    context["qr"] = segno.make(context["join_url"], error="m").svg_inline(
        scale=4, svgclass="app-qr", title="QR code: scan to join the workshop"
    )
    context.update(_live_context(workshop))
    if step == 0:
        previous = Workshop.objects.previous_to(workshop).first()
        if previous:
            context["previous"] = previous
            context["previous_scores"] = _scored_areas(previous)
            context["previous_experiment"] = Experiment.objects.filter(workshop=previous).first()
        open_experiment = (
            Experiment.objects.filter(team=workshop.team, status__in=["planned", "running"])
            .exclude(workshop=workshop)
            .select_related("area")
            .first()
        )
        if open_experiment:
            context["open_experiment"] = open_experiment
            context["open_experiment_url"] = reverse(
                "experiments:detail", args=[open_experiment.pk]
            )
    elif area:
        score = forms.get("score") or workshop.score_for(area["id"])
        context["score"] = score
        context["record_form"] = forms.get("record_form") or _record_form(area, score)
    elif step in (workshop.choose_step, workshop.summary_step):
        context["scored_areas"] = _scored_areas(workshop)
        context["choose_form"] = forms.get("choose_form") or ChooseForm(
            areas=workshop.areas,
            scores=context["scored_areas"],
            initial={"area": workshop.chosen_area_id},
        )
    elif step == workshop.experiment_step:
        context["experiment_form"] = forms.get("experiment_form") or _experiment_form(workshop)
    return context


def _live_context(workshop: Workshop) -> dict:
    """The region other people change: who joined, who voted, the reveal."""
    area = workshop.current_area
    context = {"room": workshop.room(), "screen_pass": _SCREEN_PASS.sign(str(workshop.pk))}
    if area:
        revealed = AreaScore.objects.filter(
            workshop=workshop, area_id=area["id"], revealed_at__isnull=False
        ).exists()
        context["revealed"] = revealed
        if revealed:
            context["spread"] = workshop.spreads()[area["id"]]
    return context


def _scored_areas(workshop: Workshop) -> list[dict]:
    """Each area of the pinned rubric with its agreed score, the descriptor
    of that level as the team saw it, the notes and the spread."""
    scores = workshop.scores_by_area()
    spreads = workshop.spreads()
    rows = []
    for area in workshop.areas:
        score = scores.get(area["id"])
        level = None
        if score and score.score:
            level = next((lv for lv in area["levels"] if lv["number"] == score.score), None)
        rows.append(
            {
                "area": area,
                "score": score,
                "level": level,
                "spread": spreads[area["id"]],
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


def _experiment_form(workshop: Workshop, data=None) -> ExperimentForm:
    experiment = Experiment.objects.filter(workshop=workshop).first()
    if experiment:
        initial = {
            "change": experiment.change,
            "outcome": experiment.outcome,
            "signal": experiment.signal,
            "first_actions": experiment.first_actions,
            "owner": experiment.owner_id,
            "owner_name": experiment.owner_name,
            "review_date": experiment.review_date,
        }
    else:
        initial = {"review_date": workshop.default_review_date()}
    return ExperimentForm(data, team=workshop.team, initial=initial)


# The shared screen's poll carries this pass (the workshop's id, signed):
# proof that the screen was drawn for someone allowed to see it, so an
# unchanged poll is answered 204 from this process's memory of the
# workshop's version and step, without the session, the user or the
# database. A 204 says only "nothing changed"; any other answer goes
# through sign-in and the access check as before.
_SCREEN_PASS = Signer(salt="workshops.present")


@require_GET
def present(request: HttpRequest, pk: int) -> HttpResponse:
    """The shared screen. Polls ask for the live region only."""
    if request.htmx and screen_unchanged(request, pk):
        return HttpResponse(status=204)
    return _present(request, pk)


def screen_unchanged(request: HttpRequest, pk) -> bool:
    """A shared screen's poll that carries its pass and the version and step
    the workshop still has (workshops/middleware.py answers these early)."""
    if "v" not in request.GET:
        return False
    try:
        if _SCREEN_PASS.unsign(request.GET.get("p", "")) != str(pk):
            return False
    except BadSignature:
        return False
    shown = f"{request.GET['v']}.{request.GET.get('s')}"
    return shown == screen_keys.get(str(pk), Workshop.objects.screen_key)


@login_required
def _present(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_user(request, pk)
    if request.htmx:
        if request.GET.get("s") not in (None, str(workshop.step)):
            # Another tab moved the workshop on: show the new step whole.
            return HttpResponseClientRefresh()
        if request.GET.get("v") == str(workshop.version):
            return HttpResponse(status=204)
        context = {"workshop": workshop, "can_run": _can_run(workshop, request.user)}
        context.update(_live_context(workshop))
        return render(request, "workshops/present.html#live", context)
    return render(request, "workshops/present.html", _present_context(request, workshop))


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
    workshop = _get_workshop_for_user(request, pk, run=True)
    step = _int(request.POST.get("step"))
    try:
        if step is None:
            raise ValidationError("Say which step to go to.")
        workshop.go_to(step)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return _back(workshop)


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
        context = {"workshop": workshop, "can_run": True, "live_error": error}
        context.update(_live_context(workshop))
        return render(request, "workshops/present.html#live", context)
    if error:
        messages.error(request, error)
    return _back(workshop)


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
            "workshops/present.html#timer",
            {"workshop": workshop, "can_run": True, "timer_error": error},
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
    score = workshop.score_for(area["id"])
    if conflict:
        # Newer text was saved elsewhere: show it, and hand back what was
        # typed here so nothing is lost.
        unsaved = form.cleaned_data
        form = _record_form(area, score)
    else:
        unsaved = None
    if saved and not request.htmx:
        messages.success(request, f"Saved the score and notes for {area['name']}.")
        return _back(workshop)
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
        if saved:
            # Leave the text being typed alone: update the status and revision only.
            return render(request, "workshops/present.html#autosaved", context)
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
    form = ChooseForm(request.POST, areas=workshop.areas, scores=_scored_areas(workshop))
    if form.is_valid():
        try:
            workshop.choose(form.cleaned_data["area"])
            if workshop.step < workshop.experiment_step:
                workshop.go_to(workshop.experiment_step)
            return _back(workshop)
        except ValidationError as error:
            form.add_error(None, error)
    if workshop.step != workshop.choose_step:
        messages.error(request, form.errors.get("area", ["Choose one area."])[0])
        return _back(workshop)
    return render(
        request, "workshops/present.html", _present_context(request, workshop, choose_form=form)
    )


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


@require_GET
@login_required
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _get_workshop_for_user(request, pk)
    context = {
        "workshop": workshop,
        "can_run": _can_run(workshop, request.user),
        "scored_areas": _scored_areas(workshop),
        "experiment": Experiment.objects.filter(workshop=workshop)
        .select_related("owner", "area")
        .first(),
    }
    context["experiment_url"] = context["experiment"] and reverse(
        "experiments:detail", args=[context["experiment"].pk]
    )
    context["team_url"] = reverse("teams:detail", args=[workshop.team.slug])
    return render(request, "workshops/summary.html", context)


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
        )
        workshop.bump_version()
    elif name and name != participant.display_name:
        participant.display_name = name
        participant.save(update_fields=["display_name"])
    tokens[workshop.join_code] = str(participant.token)
    request.session[SESSION_KEY] = tokens
    return participant


# A participant's poll carries this pass (the join code, signed): proof that
# the poll comes from a screen we drew for someone who joined, checked
# without reading the session, so an unchanged poll costs one small query.
# Without it the poll could tell a guessed join code from a wrong one,
# around the join throttle.
_POLL_PASS = Signer(salt="workshops.poll")


def _has_poll_pass(request: HttpRequest, code: str) -> bool:
    try:
        return _POLL_PASS.unsign(request.GET.get("p", "")) == code.upper()
    except BadSignature:
        return False


def room_unchanged(request: HttpRequest, code: str) -> bool:
    """A phone's poll that carries its pass and the key its screen still has
    (workshops/middleware.py answers these early)."""
    shown = request.GET.get("k")
    if not shown or not _has_poll_pass(request, code):
        return False
    return shown == poll_keys.get(code.upper(), Workshop.objects.participant_poll_key)


def _participant_key(workshop: Workshop) -> str:
    return participant_key(workshop.step, workshop.status, workshop.revealed_count)


def _workshop_for_participant(request: HttpRequest, code: str) -> Workshop | None:
    token = request.session.get(SESSION_KEY, {}).get(code.upper())
    if token is None:
        return None
    workshops = Workshop.objects.filter(join_code=code.upper()).annotate(
        revealed_count=Count("scores", filter=Q(scores__revealed_at__isnull=False))
    )
    return workshops.first()


def _participant_context(request: HttpRequest, workshop: Workshop, **extra) -> dict:
    token = request.session[SESSION_KEY][workshop.join_code]
    participant = Participant.objects.filter(workshop=workshop, token=token).first()
    area = workshop.current_area
    context = {
        "workshop": workshop,
        "participant": participant,
        "area": area,
        "key": _participant_key(workshop),
        "poll_pass": _POLL_PASS.sign(workshop.join_code),
    }
    if area and participant:
        context["my_vote"] = (
            Vote.objects.filter(participant=participant, area_id=area["id"])
            .values_list("level", flat=True)
            .first()
        )
        context["revealed"] = AreaScore.objects.filter(
            workshop=workshop, area_id=area["id"], revealed_at__isnull=False
        ).exists()
    context.update(extra)
    return context


@require_GET
def live(request: HttpRequest, code: str) -> HttpResponse:
    """A participant's screen: the area on screen and their own vote."""
    if request.htmx and room_unchanged(request, code):
        return HttpResponse(status=204)
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
    workshop = _workshop_for_participant(request, code)
    if workshop is None:
        return redirect("workshops:join_code", code.upper())
    context = _participant_context(request, workshop)
    participant = context["participant"]
    if participant is None:
        return redirect("workshops:join_code", code.upper())
    form = VoteForm(request.POST, levels=workshop.level_numbers)
    error = None
    if form.is_valid():
        try:
            workshop.vote(participant, form.cleaned_data["area"], form.cleaned_data["level"])
            if not request.htmx:
                messages.success(
                    request,
                    f"Your vote is in: level {form.cleaned_data['level']}. "
                    "You can change it until the votes are revealed.",
                )
                return redirect("workshops:live", workshop.join_code)
            context = _participant_context(request, workshop, just_voted=True)
        except ValidationError as e:
            error = e.messages[0]
    else:
        error = (form.errors.get("level") or form.errors.get("area") or ["Choose a level."])[0]
    context["vote_error"] = error
    template = "workshops/live.html#room" if request.htmx else "workshops/live.html"
    return render(request, template, context, status=200 if request.htmx else 400)
