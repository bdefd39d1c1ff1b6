"""One team's history: its workshops, agreed scores and experiments, for the
team page, its charts and its exports. Everything here takes one team;
nothing gathers scores across teams."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone

from core.kept import Rows
from experiments.models import Experiment, ProgressNote
from maturity.models import Area, MaturityModel
from progress.charts import ScoreHistory
from teams.models import Team
from workshops.models import AreaScore, Note, Workshop

# 2: workshops name their model's scale; experiments name their model (docs/teams.md, "Exports").
EXPORT_FORMAT_VERSION = 2


def _scores() -> Prefetch:
    return Prefetch(
        "scores", queryset=AreaScore.objects.select_related("area").order_by("area__order", "pk")
    )


def workshops_for_team_page(team: Team, *, scores: bool = True) -> QuerySet[Workshop]:
    """The team page's and the exports' workshops, newest first, with the
    facilitator, chosen area, experiment, model and (unless `scores` is
    false: the team page fetches only one model's, `prefetch_scores`) the
    scores, in two queries whatever the number of workshops."""
    workshops = (
        Workshop.objects.filter(team=team)
        .select_related("facilitator", "chosen_area", "experiment", "model")
        .order_by("-held_on", "-created_at")
    )
    return workshops.prefetch_related(_scores()) if scores else workshops


def prefetch_scores(workshops: list[Workshop]) -> None:
    """The agreed scores of these workshops, in one query."""
    prefetch_related_objects(workshops, _scores())


def team_record(team: Team, *, exports: bool = False) -> list[Rows]:
    """Every row the team page (and with `exports`, the exports) reads to
    draw a team's history: the key its drawing is kept under (core/kept.py).
    tests/test_kept.py fails if a drawing reads a table not named here."""
    workshops = f"SELECT id FROM {Workshop._meta.db_table} WHERE team_id = %s"
    experiments = f"SELECT id FROM {Experiment._meta.db_table} WHERE team_id = %s"
    people = (
        f"SELECT facilitator_id FROM {Workshop._meta.db_table} WHERE team_id = %s"
        f" UNION SELECT owner_id FROM {Experiment._meta.db_table} WHERE team_id = %s"
    )
    sources = [
        Rows(Team, "id = %s", (team.pk,)),
        Rows(
            Workshop,
            f"team_id = %s OR id IN (SELECT workshop_id FROM {Experiment._meta.db_table}"
            " WHERE team_id = %s)",
            (team.pk, team.pk),
        ),
        Rows(AreaScore, f"workshop_id IN ({workshops})", (team.pk,)),
        Rows(Experiment, "team_id = %s", (team.pk,)),
        Rows(MaturityModel),
        Rows(Area),
    ]
    params: tuple = (team.pk, team.pk)
    if exports:
        people += f" UNION SELECT author_id FROM {ProgressNote._meta.db_table}"
        people += f" WHERE experiment_id IN ({experiments})"
        params += (team.pk,)
        sources += [
            Rows(Note, f"workshop_id IN ({workshops})", (team.pk,)),
            Rows(ProgressNote, f"experiment_id IN ({experiments})", (team.pk,)),
        ]
    sources.append(Rows(get_user_model(), f"id IN ({people})", params))
    return sources


def workshop_scale(workshop: Workshop) -> list[tuple[int, str]]:
    """The scale the workshop scored on, from its pinned rubric: (number, label)."""
    return [(p["number"], p.get("label", "")) for p in workshop.scale]


@dataclass
class ModelHistory:
    """What the team did on one maturity model: its workshops and its
    experiments, newest first. A model's scores are read only when its
    history is shown (`prefetch_scores`, then `scores`)."""

    model: MaturityModel
    workshops: list[Workshop]
    experiments: list[Experiment]

    @property
    def key(self) -> str:
        return self.model.key

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def latest(self) -> Workshop | None:
        return self.workshops[0] if self.workshops else None

    @cached_property
    def scores(self) -> ScoreHistory:
        return score_history(self.workshops)


def score_history(workshops: list[Workshop]) -> ScoreHistory:
    """The closed workshops' agreed scores, oldest first, for the charts. The
    workshops are all of one model (see `histories_by_model`); the scale is
    the largest any of them pinned, so every score fits on the axis."""
    closed = [
        w
        for w in reversed(workshops)
        if w.status == Workshop.Status.CLOSED and any(s.score for s in w.scores.all())
    ]
    areas: dict[int, tuple[tuple[int, int], str]] = {}
    for workshop in closed:
        for score in workshop.scores.all():
            areas.setdefault(score.area_id, ((score.area.order, score.area_id), score.area.name))
    ordered = sorted(areas.items(), key=lambda item: item[1][0])
    by_workshop = [{s.area_id: s.score for s in w.scores.all()} for w in closed]
    # max() keeps the first of equals: workshops come newest first, so the newest labels.
    scale = max((workshop_scale(w) for w in workshops), key=len, default=[])
    return ScoreHistory(
        areas=[name for _, (_, name) in ordered],
        dates=[w.held_on for w in closed],
        scores=[[scores.get(area_id) for scores in by_workshop] for area_id, _ in ordered],
        scale=scale,
    )


def histories_by_model(
    workshops: list[Workshop], experiments: list[Experiment]
) -> list[ModelHistory]:
    """The team's workshops and experiments split by model, the model of the
    latest workshop first (both come newest first), then any model the team
    has only experimented on (an experiment started from the playbook).
    Scores of two models never share a history: their areas and scales differ."""
    histories: dict[int, ModelHistory] = {}
    for workshop in workshops:
        model = histories.setdefault(workshop.model_id, ModelHistory(workshop.model, [], []))
        model.workshops.append(workshop)
    for experiment in experiments:
        model = histories.setdefault(
            experiment.area.model_id, ModelHistory(experiment.area.model, [], [])
        )
        model.experiments.append(experiment)
    return list(histories.values())


def current_experiment(experiments: list[Experiment]) -> Experiment | None:
    """The running experiment, else the newest planned one."""
    for status in (Experiment.Status.RUNNING, Experiment.Status.PLANNED):
        for experiment in experiments:
            if experiment.status == status:
                return experiment
    return None


# Exports ----------------------------------------------------------------


def _level_text(workshop: Workshop, area_id: int, score: int | None) -> tuple[str, str]:
    """The title and descriptor of the level agreed, from the rubric the team saw."""
    if score is None:
        return "", ""
    for area in workshop.rubric.get("areas", []):
        if area.get("id") == area_id:
            for level in area.get("levels", []):
                if level.get("number") == score:
                    return level.get("title", ""), level.get("descriptor", "")
    return "", ""


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _rubric_version(workshop: Workshop) -> dict:
    model = workshop.rubric.get("model", {})
    return {
        "model_key": model.get("key") or workshop.model.key,
        "model_name": model.get("name") or workshop.model.name,
        "as_of": workshop.rubric_as_of.isoformat(),
        # As pinned: a rubric from before scales existed exports none rather than a guess.
        "scale": [
            {"number": p["number"], "label": p.get("label", "")}
            for p in workshop.rubric.get("scale", [])
        ],
    }


def _experiment_data(experiment: Experiment) -> dict:
    return {
        "id": experiment.pk,
        "workshop_id": experiment.workshop_id,
        "model_key": experiment.area.model.key,
        "model_name": experiment.area.model.name,
        "area": experiment.area.name,
        "area_key": experiment.area.key,
        "status": experiment.status,
        "hypothesis": {
            "change": experiment.change,
            "outcome": experiment.outcome,
            "signal": experiment.signal,
        },
        "first_actions": experiment.first_actions,
        "owner": experiment.owner_label,
        "review_date": _iso(experiment.review_date),
        "started_on": _iso(experiment.started_on),
        "finished_on": _iso(experiment.finished_on),
        "result": experiment.result or None,
        "what_happened": experiment.what_happened,
        "learning": experiment.learning,
        "advice": experiment.advice,
        "notes": [
            {
                "at": note.created_at.isoformat(),
                "author": _person(note.author),
                "text": note.text,
            }
            for note in experiment.notes.all()
        ],
    }


def _cards_by_workshop(workshops: list[Workshop]) -> dict[int, list[dict]]:
    """The participants' notes that were shown on the screen and not hidden,
    per workshop, in one query. Never who wrote them."""
    from django.db.models import Exists, OuterRef

    from workshops.models import AreaScore, Note

    shown = AreaScore.objects.filter(
        workshop_id=OuterRef("workshop_id"),
        area_id=OuterRef("area_id"),
        notes_shown_at__isnull=False,
    )
    cards: dict[int, list[dict]] = {}
    notes = (
        Note.objects.filter(workshop__in=[w.pk for w in workshops], hidden=False)
        .filter(Exists(shown))
        .select_related("area")
        .only("workshop_id", "kind", "text", "added_at", "area__name", "area__key")
        .order_by("workshop_id", "area__order", "created_at", "id")
    )
    for note in notes:
        cards.setdefault(note.workshop_id, []).append(
            {
                "area": note.area.name,
                "area_key": note.area.key,
                "kind": note.kind,
                "text": note.text,
                "in_agreed_notes": note.added_at is not None,
            }
        )
    return cards


def export_data(team: Team) -> dict:
    """A team's whole history as JSON-able data (the shape is in docs/teams.md, "Exports")."""
    workshops = list(workshops_for_team_page(team))
    cards = _cards_by_workshop(workshops)
    experiments = list(
        Experiment.objects.for_team_page(team)
        .select_related("area__model")
        .prefetch_related("notes__author")
    )
    return {
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "team": {"name": team.name, "slug": team.slug, "kind": team.kind},
        "workshops": [
            {
                "id": w.pk,
                "title": str(w),
                "held_on": w.held_on.isoformat(),
                "status": w.status,
                "facilitator": _person(w.facilitator),
                "rubric": _rubric_version(w),
                "chosen_area": w.chosen_area.name if w.chosen_area else None,
                "experiment_id": getattr(getattr(w, "experiment", None), "pk", None),
                "scores": [
                    {
                        "area": s.area.name,
                        "area_key": s.area.key,
                        "score": s.score,
                        "level_title": _level_text(w, s.area_id, s.score)[0],
                        "level_descriptor": _level_text(w, s.area_id, s.score)[1],
                        "helps": s.helps,
                        "holds_back": s.holds_back,
                    }
                    for s in w.scores.all()
                ],
                "cards": cards.get(w.pk, []),
            }
            for w in workshops
        ],
        "experiments": [_experiment_data(e) for e in experiments],
    }


CSV_COLUMNS = [
    "record",
    "workshop_id",
    "held_on",
    "workshop_status",
    "facilitator",
    "rubric_model",
    "rubric_model_name",
    "rubric_as_of",
    "scale_size",
    "area",
    "score",
    "level_title",
    "helps",
    "holds_back",
    "chosen_area",
    "experiment_id",
    "experiment_status",
    "change",
    "outcome",
    "signal",
    "owner",
    "review_date",
    "started_on",
    "finished_on",
    "result",
    "what_happened",
    "learning",
    "advice",
    "card_kind",
    "card_text",
    "card_in_agreed_notes",
]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def export_csv(team: Team) -> str:
    """One row per agreed score ("score") and one per experiment ("experiment"),
    so a spreadsheet can filter either; the columns are CSV_COLUMNS. Both kinds
    name their model (`rubric_model`); a score row also gives the size of the
    scale it was agreed on (`scale_size`), since models' scales differ."""
    data = export_data(team)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for w in data["workshops"]:
        for s in w["scores"]:
            _write(
                writer,
                {
                    "record": "score",
                    "workshop_id": w["id"],
                    "held_on": w["held_on"],
                    "workshop_status": w["status"],
                    "facilitator": w["facilitator"],
                    "rubric_model": w["rubric"]["model_key"],
                    "rubric_model_name": w["rubric"]["model_name"],
                    "rubric_as_of": w["rubric"]["as_of"],
                    "scale_size": len(w["rubric"]["scale"]),
                    "area": s["area"],
                    "score": "" if s["score"] is None else s["score"],
                    "level_title": s["level_title"],
                    "helps": s["helps"],
                    "holds_back": s["holds_back"],
                    "chosen_area": w["chosen_area"] or "",
                    "experiment_id": w["experiment_id"] or "",
                },
            )
        for c in w["cards"]:
            _write(
                writer,
                {
                    "record": "card",
                    "workshop_id": w["id"],
                    "held_on": w["held_on"],
                    "workshop_status": w["status"],
                    "rubric_model": w["rubric"]["model_key"],
                    "rubric_model_name": w["rubric"]["model_name"],
                    "area": c["area"],
                    "card_kind": c["kind"],
                    "card_text": c["text"],
                    "card_in_agreed_notes": "yes" if c["in_agreed_notes"] else "no",
                },
            )
    for e in data["experiments"]:
        _write(
            writer,
            {
                "record": "experiment",
                "workshop_id": e["workshop_id"] or "",
                "rubric_model": e["model_key"],
                "rubric_model_name": e["model_name"],
                "area": e["area"],
                "experiment_id": e["id"],
                "experiment_status": e["status"],
                "change": e["hypothesis"]["change"],
                "outcome": e["hypothesis"]["outcome"],
                "signal": e["hypothesis"]["signal"],
                "owner": e["owner"],
                "review_date": e["review_date"] or "",
                "started_on": e["started_on"] or "",
                "finished_on": e["finished_on"] or "",
                "result": e["result"] or "",
                "what_happened": e["what_happened"],
                "learning": e["learning"],
                "advice": e["advice"],
            },
        )
    return out.getvalue()


def _write(writer: csv.DictWriter, row: dict) -> None:
    writer.writerow({key: _cell(value) for key, value in row.items()})
