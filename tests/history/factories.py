"""Small factories for closed workshops and their experiments, built directly
on the models (the live workshop flow is tested elsewhere)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from experiments.models import Experiment
from maturity.models import Area, Level, MaturityModel, ScaleLevel
from workshops.models import AreaScore, Workshop


def make_closed_workshop(
    team,
    facilitator,
    held_on: date,
    scores: list[int | None],
    *,
    model: MaturityModel | None = None,
    chosen: int = 0,
    notes: str = "",
    experiment_status: str | None = Experiment.Status.PLANNED,
    review_in_days: int = 21,
) -> Workshop:
    """A closed workshop: one agreed score per area (in area order), the
    chosen area (index into the areas) and, unless told not to, its experiment."""
    model = model or MaturityModel.default()
    areas = list(model.areas.order_by("order"))
    workshop = Workshop.objects.create(
        team=team,
        facilitator=facilitator,
        held_on=held_on,
        model=model,
        rubric=model.snapshot(),
        status=Workshop.Status.CLOSED,
        chosen_area=areas[chosen],
        closed_at=timezone.now(),
    )
    AreaScore.objects.bulk_create(
        AreaScore(
            workshop=workshop,
            area=area,
            score=score,
            helps=f"{notes} helps with {area.name}".strip(),
            holds_back=f"{notes} holds back {area.name}".strip(),
        )
        for area, score in zip(areas, scores, strict=False)
    )
    if experiment_status:
        make_experiment(
            team,
            workshop=workshop,
            area=areas[chosen],
            status=experiment_status,
            review_date=held_on + timedelta(days=review_in_days),
        )
    return workshop


def make_model(key: str, *, areas: int, levels: int, name: str = "") -> MaturityModel:
    """A model built in the test: `areas` areas on a scale of `levels`."""
    model = MaturityModel.objects.create(key=key, name=name or f"Model {key}")
    ScaleLevel.objects.bulk_create(
        ScaleLevel(model=model, number=n, label=f"Level {n}") for n in range(1, levels + 1)
    )
    for order in range(1, areas + 1):
        area = Area.objects.create(
            model=model,
            key=f"area-{order}",
            name=f"{key} area number {order} with a long name",
            summary="What this area is about.",
            order=order,
        )
        Level.objects.bulk_create(
            Level(area=area, number=n, title=f"Title {n}", descriptor=f"Descriptor {n}")
            for n in range(1, levels + 1)
        )
    assert model.structure_problems() == []
    return model


def make_experiment(team, *, workshop=None, area=None, status="planned", **extra) -> Experiment:
    area = area or MaturityModel.default().areas.order_by("order").first()
    today = timezone.localdate()
    fields = {
        "change": "we pair on every story",
        "outcome": "fewer hand-offs",
        "signal": "stories finished without waiting",
        "review_date": today + timedelta(days=14),
    }
    if status in ("running", "finished", "stopped"):
        fields["started_on"] = today - timedelta(days=10)
    if status in ("finished", "stopped"):
        fields["finished_on"] = today - timedelta(days=1)
    if status == "finished":
        fields.update(result="supported", learning="Pairing helps.")
    fields.update(extra)
    return Experiment.objects.create(
        team=team, workshop=workshop, area=area, status=status, **fields
    )
