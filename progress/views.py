import json
from functools import lru_cache

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import slug_re
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.events import record
from audit.models import Kind
from core.kept import kept, rows_version
from experiments.models import Experiment
from progress import charts, history
from teams.models import Team, plural_nouns
from teams.roles import is_facilitator


def _get_team_for_user(request: HttpRequest, slug: str) -> Team:
    """A team whose history this person may see; 404 for anyone else, so the
    page does not confirm the team's scores exist."""
    return get_object_or_404(Team.objects.visible_to(request.user), slug=slug)


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A signed-in person's start page: their teams, each team's current
    experiment and next review, and anything overdue. No scores: a person in
    two teams must never see them side by side."""
    user = request.user
    teams = list(
        Team.objects.filter(Q(memberships__user=user) | Q(workshops__facilitator=user))
        .distinct()
        .prefetch_related(
            Prefetch(
                "experiments",
                queryset=Experiment.objects.open()
                .select_related("area__model")
                .order_by("review_date", "pk"),
                to_attr="open_experiments",
            )
        )
        .order_by("name")
    )
    today = timezone.localdate()
    overdue = []
    for team in teams:
        team.current = history.current_experiment(team.open_experiments)
        for experiment in team.open_experiments:
            experiment.team = team  # the overdue list names the team without a query each
            if experiment.review_date < today:
                overdue.append(experiment)
    context = {"teams": teams, "groups": plural_nouns(teams), "overdue": overdue, "today": today}
    return render(request, "teams/home.html", context)


@require_GET
@login_required
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A team's page: what the team does next (its current experiment, its
    latest workshop), then one model's history at a time (`?model=<key>`, by
    default the model of its latest workshop): that model's workshops, how
    its scores moved, what its experiments taught. Drawn once for each
    version of the team's record and model asked for, and kept
    (core/kept.py): the same for everyone who may see it, apart from the
    facilitator's link."""
    team = _get_team_for_user(request, slug)
    today = timezone.localdate()
    facilitator = is_facilitator(request.user)
    asked = _model_asked(request)
    body = kept(
        "team-page",
        lambda: rows_version(history.team_record(team)),
        lambda: _history(team, today, facilitator, asked),
        team.pk,
        today,
        facilitator,
        asked,
    )
    return render(request, "teams/detail.html", {"team": team, "history": body})


def _model_asked(request: HttpRequest) -> str:
    """The model key in `?model=`: "" for none, "?" for something no model
    could be called (so the kept pages stay one per model, not one per typo)."""
    asked = request.GET.get("model", "").strip()
    if not asked:
        return ""
    return asked if len(asked) <= 50 and slug_re.fullmatch(asked) else "?"


def _history(team: Team, today, facilitator: bool, asked: str) -> str:
    # Every workshop and experiment (the latest workshop, the current experiment
    # and the model chooser read them all), but the scores of one model only.
    workshops = list(history.workshops_for_team_page(team, scores=False))
    experiments = list(Experiment.objects.for_team_page(team).select_related("area__model"))
    models = history.histories_by_model(workshops, experiments)
    chosen = next((m for m in models if m.key == asked), models[0] if models else None)
    if chosen:
        history.prefetch_scores(chosen.workshops)
    current = history.current_experiment(experiments)
    context = {
        "team": team,
        "latest": workshops[0] if workshops else None,
        "current": current,
        "due": [e for e in experiments if e.review_state(today) and e != current],
        "models": models,
        "chosen": _model_section(chosen) if chosen else None,
        "not_found": bool(asked) and chosen is not None and chosen.key != asked,
        "today": today,
        "is_facilitator": facilitator,
    }
    return render_to_string("teams/_history.html", context)


def _model_section(model: history.ModelHistory) -> dict:
    """One model's part of the team page: its workshops, its charts and their
    tables, what its experiments taught. Each chart is drawn from this
    model's scores alone, on this model's scale."""
    scores = model.scores
    charted = bool(scores.workshop_count)
    return {
        "key": model.key,
        "name": model.name,
        "workshops": model.workshops,
        "latest": model.latest,
        "earlier": [e for e in model.experiments if not e.is_open],
        "scores": scores,
        "table_rows": list(zip(scores.dates, zip(*scores.scores, strict=True), strict=True))
        if charted
        else [],
        **(_drawn(_Content(scores), model.key, model.name) if charted else _NOT_DRAWN),
        "latest_summary": charts.radar_summary(scores),
        "radar_rows": _radar_rows(scores),
        "compared": scores.workshop_count > 1,
    }


_NOT_DRAWN = {"line": None, "radar": None}


class _Content:
    """A model's score history, equal to another with the same content."""

    def __init__(self, scores: charts.ScoreHistory):
        self.scores = scores
        self.key = repr(scores)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Content) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)


@lru_cache(maxsize=256)
def _drawn(content: _Content, key: str, name: str) -> dict:
    """The charts of one model's history, drawn to SVG (four of them, the
    team page's costliest part by far). They depend on nothing but the
    scores, the model's key and name, so each process remembers the last
    few hundred it drew: correct with any number of app servers, and a new
    score is a new history, drawn afresh."""
    scores = content.scores
    line, radar = charts.line_chart(scores), charts.radar_chart(scores)
    drawn = {"line": line, "radar": radar if radar.axes else None}
    context = {"prefix": key, "model_name": name}
    drawn["line_svg"] = [
        render_to_string("teams/_line_chart.html", {**context, "line": chart, "variant": variant})
        for chart, variant in [(line, "wide"), (charts.line_chart(scores, narrow=True), "narrow")]
    ]
    if drawn["radar"]:
        narrow = charts.radar_chart(scores, narrow=True)
        drawn["radar_svg"] = [
            render_to_string(
                "teams/_radar_chart.html", {**context, "radar": chart, "variant": variant}
            )
            for chart, variant in [(radar, "wide"), (narrow, "narrow")]
        ]
    return drawn


def _radar_rows(scores: charts.ScoreHistory) -> list[tuple[str, int | None, int | None, str]]:
    """Area, previous score, latest score and the change, for the radar's table."""
    if not scores.workshop_count:
        return []
    latest = scores.workshop_count - 1
    rows = []
    for name, row in zip(scores.areas, scores.scores, strict=True):
        before, now = (row[latest - 1] if latest else None), row[latest]
        if before is None or now is None:
            change = ""
        elif now == before:
            change = "No change"
        else:
            change = f"{'Up' if now > before else 'Down'} {abs(now - before)}"
        rows.append((name, before, now, change))
    return rows


# Where the moment of the download goes in a kept export: JSON-escaped, and
# forms refuse the NUL character, so no team's text can contain it.
EXPORTED_AT = json.dumps("\0exported_at\0")


@require_GET
@login_required
def export_json(request: HttpRequest, slug: str) -> HttpResponse:
    team = _get_team_for_user(request, slug)
    body = kept(
        "team-json",
        lambda: rows_version(history.team_record(team, exports=True)),
        lambda: json.dumps(
            {**history.export_data(team), "exported_at": json.loads(EXPORTED_AT)},
            cls=DjangoJSONEncoder,
            indent=2,
        ),
        team.pk,
    )
    body = body.replace(EXPORTED_AT, json.dumps(timezone.now().isoformat()), 1)
    # The one write a GET makes here: who took the team's record away, and when.
    record(Kind.TEAM_EXPORTED, request, team=team.slug, format="json")
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{team.slug}-history.json"'
    return response


@require_GET
@login_required
def export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    team = _get_team_for_user(request, slug)
    body = kept(
        "team-csv",
        lambda: rows_version(history.team_record(team, exports=True)),
        lambda: history.export_csv(team),
        team.pk,
    )
    record(Kind.TEAM_EXPORTED, request, team=team.slug, format="csv")
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{team.slug}-history.csv"'
    return response
