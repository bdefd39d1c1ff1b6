"""An experiment's page and the changes a team makes to it after the workshop.

Everyone who may see the experiment (the team's members, facilitators of the
team's workshops, admins) may read its page; anyone else gets a 404, so the
page does not even confirm the experiment exists. Only the team's members
move it along (plan, start, stop, result, review date, notes): it is their
experiment. Facilitators and admins who may read it get a 403 for a change.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from experiments.forms import EditForm, FinishForm, ProgressNoteForm, ReviewDateForm, StopForm
from experiments.models import Experiment, ExperimentChanged, ExperimentError
from teams.models import Team, in_its_team


def _get_experiment_for_user(request: HttpRequest, pk: int) -> Experiment:
    experiment = get_object_or_404(
        Experiment.objects.select_related("team", "area", "owner", "workshop")
        .defer("workshop__rubric")  # its pinned rubric: the page names only its date
        .annotate(viewer_is_member=in_its_team(request.user, Experiment)),
        pk=pk,
    )
    # A member may see it: asked first, as the page needs it anyway.
    request.__dict__.setdefault("_experiment_teams", {})[experiment.team_id] = bool(
        experiment.viewer_is_member
    )
    if not _is_member(request, experiment) and not (
        Team.objects.visible_to(request.user).filter(pk=experiment.team_id).exists()
    ):
        raise Http404("No such experiment.")
    return experiment


def _is_member(request: HttpRequest, experiment: Experiment) -> bool:
    """Whether the person is in the experiment's team, asked once a request."""
    asked = request.__dict__.setdefault("_experiment_teams", {})
    if experiment.team_id not in asked:
        asked[experiment.team_id] = experiment.team.has_member(request.user)
    return asked[experiment.team_id]


def _get_experiment_for_member(request: HttpRequest, pk: int) -> Experiment:
    """An experiment the person may change: only its team's members (403 for
    the facilitators and admins who may read it, 404 for everyone else)."""
    experiment = _get_experiment_for_user(request, pk)
    if not _is_member(request, experiment):
        raise PermissionDenied
    return experiment


def _render_detail(request: HttpRequest, experiment: Experiment, status: int = 200, **forms_):
    other_running = None
    if experiment.status == Experiment.Status.PLANNED:
        other_running = (
            Experiment.objects.filter(team_id=experiment.team_id, status="running")
            .select_related("area")
            .first()
        )
    can_change = _is_member(request, experiment)
    context = {
        "experiment": experiment,
        "team": experiment.team,
        "can_change": can_change,
        "notes": experiment.notes.select_related("author"),
        "change_log": experiment.change_log(),
        "review_state": experiment.review_state(),
        "other_running": other_running,
        "note_form": forms_.get("note_form") or ProgressNoteForm(team=experiment.team),
        "review_form": forms_.get("review_form")
        or ReviewDateForm(initial={"version": experiment.version}, experiment=experiment),
        "stop_form": forms_.get("stop_form") or StopForm(team=experiment.team),
        "conflict": forms_.get("conflict"),
    }
    return render(request, "experiments/detail.html", context, status=status)


def _conflict(form: forms.Form, current: Experiment) -> dict:
    """Both versions side by side: what is saved now and what this person typed.
    Their text stays in the form; its version moves on so a second save goes through."""
    data = form.data.copy()
    data["version"] = str(current.version)
    form.data = data
    rows = []
    for name, field in form.fields.items():
        if name == "version" or not hasattr(current, name):
            continue
        saved = current._display(name, getattr(current, name))
        yours = form.data.get(name, "")
        if isinstance(field, forms.ChoiceField):
            yours = dict(field.choices).get(yours, yours)
        yours = yours or "(none)"
        rows.append((field.label, saved, yours, str(saved).strip() != str(yours).strip()))
    last = current.history.select_related("history_user").first()
    who = ""
    if last and last.history_user:
        who = last.history_user.get_full_name() or last.history_user.get_username()
    return {"rows": rows, "who": who, "when": last.history_date if last else None}


CONFLICT_MESSAGE = (
    "Someone else changed this experiment while you were editing it. Compare the saved "
    "version with yours below; your text is still in the form. Save again to keep yours."
)


@require_http_methods(["GET"])
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _get_experiment_for_user(request, pk))


@require_POST
@login_required
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    experiment = _get_experiment_for_member(request, pk)
    form = ProgressNoteForm(request.POST, team=experiment.team)
    if not form.is_valid():
        return _render_detail(request, experiment, note_form=form)
    experiment.notes.create(author=request.user, text=form.cleaned_data["text"].strip())
    messages.success(request, "Progress note added.")
    return redirect(reverse("experiments:detail", args=[pk]) + "#notes")


@require_POST
@login_required
def change_review_date(request: HttpRequest, pk: int) -> HttpResponse:
    experiment = _get_experiment_for_member(request, pk)
    form = ReviewDateForm(request.POST, experiment=experiment)
    if form.is_valid():
        try:
            experiment.change_review_date(
                form.cleaned_data["review_date"],
                form.cleaned_data["reason"],
                request.user,
                expected_version=form.cleaned_data["version"],
            )
        except ExperimentChanged as changed:
            conflict = _conflict(form, changed.current)
            form.add_error(None, CONFLICT_MESSAGE)
            return _render_detail(
                request, changed.current, status=409, review_form=form, conflict=conflict
            )
        except ExperimentError as error:
            messages.error(request, str(error))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Review date changed. The reason is kept in the notes.")
            return redirect("experiments:detail", pk=pk)
    return _render_detail(request, experiment, review_form=form)


@require_POST
@login_required
def start(request: HttpRequest, pk: int) -> HttpResponse:
    experiment = _get_experiment_for_member(request, pk)
    try:
        experiment.start(request.user)
    except ExperimentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Experiment started. Good luck!")
    return redirect("experiments:detail", pk=pk)


@require_POST
@login_required
def stop(request: HttpRequest, pk: int) -> HttpResponse:
    experiment = _get_experiment_for_member(request, pk)
    form = StopForm(request.POST, team=experiment.team)
    if not form.is_valid():
        return _render_detail(request, experiment, stop_form=form)
    try:
        experiment.stop(request.user, reason=form.cleaned_data["reason"].strip())
    except ExperimentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Experiment stopped.")
    return redirect("experiments:detail", pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def finish(request: HttpRequest, pk: int) -> HttpResponse:
    experiment = _get_experiment_for_member(request, pk)
    if experiment.status != Experiment.Status.RUNNING:
        messages.error(
            request,
            "Only a running experiment can be finished. "
            f"This one is {experiment.get_status_display().lower()}.",
        )
        return redirect("experiments:detail", pk=pk)
    form = FinishForm(
        request.POST or None,
        experiment=experiment,
        initial={"version": experiment.version, "finished_on": timezone.localdate()},
    )
    conflict = None
    # A form with errors is a normal page (200); only a conflict is a 409.
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                experiment.finish(
                    data["result"],
                    learning=data["learning"],
                    what_happened=data["what_happened"],
                    advice=data["advice"],
                    finished_on=data["finished_on"],
                    by=request.user,
                    expected_version=data["version"],
                )
            except ExperimentChanged as changed:
                conflict = _conflict(form, changed.current)
                form.add_error(None, CONFLICT_MESSAGE)
                experiment, status = changed.current, 409
            except ExperimentError as error:
                messages.error(request, str(error))
                return redirect("experiments:detail", pk=pk)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Result recorded. The experiment is finished.")
                return redirect("experiments:detail", pk=pk)
    return render(
        request,
        "experiments/finish.html",
        {"experiment": experiment, "form": form, "conflict": conflict},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    experiment = _get_experiment_for_member(request, pk)
    if not experiment.is_open:
        messages.error(request, "A finished or stopped experiment's plan can no longer change.")
        return redirect("experiments:detail", pk=pk)
    initial = {name: getattr(experiment, name) for name in Experiment.EDITABLE_FIELDS}
    form = EditForm(request.POST or None, initial={**initial, "version": experiment.version})
    conflict = None
    # A form with errors is a normal page (200); only a conflict is a 409.
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                experiment.edit(
                    form.cleaned_data, request.user, expected_version=form.cleaned_data["version"]
                )
            except ExperimentChanged as changed:
                conflict = _conflict(form, changed.current)
                form.add_error(None, CONFLICT_MESSAGE)
                experiment, status = changed.current, 409
            except ExperimentError as error:
                messages.error(request, str(error))
                return redirect("experiments:detail", pk=pk)
            else:
                messages.success(request, "Plan saved.")
                return redirect("experiments:detail", pk=pk)
    return render(
        request,
        "experiments/edit.html",
        {"experiment": experiment, "form": form, "conflict": conflict},
        status=status,
    )
