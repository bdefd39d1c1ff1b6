"""Existing data migrates losslessly: data written in the shape from before
models were data (maturity 0001, workshops 0002) still belongs to the product
team maturity model afterwards, with the same text, a 5-level scale with the
shipped labels, and workshops' pinned rubrics gain that scale and nothing else."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# The last migration of each app before this change. experiments and playbook
# point at maturity.Area; going back to maturity 0001 also takes back anything
# later that depends on the new shape.
BEFORE = [
    ("maturity", "0001_initial"),
    ("workshops", "0002_failed_join"),
    ("experiments", "0002_one_running_per_team"),
    ("playbook", "0002_search_vector_trigger"),
    ("teams", "0001_initial"),
]
KEY = "product-team-maturity"
SHIPPED = json.loads(
    (settings.BASE_DIR / "fixtures" / "models" / f"{KEY}.json").read_text(encoding="utf-8")
)
# Text as an old installation may hold it: not today's, with unicode, \r\n and tabs.
ODD = "Équipe\r\n\t“quoted” — 🙂 done. "


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def old_rubric(model, areas, levels, prompts) -> dict:
    """MaturityModel.snapshot() as it was before scales: no "scale"."""
    return {
        "model": {"id": model.pk, "key": model.key, "name": model.name, "framing": model.framing},
        "as_of": None,
        "areas": [
            {
                "id": area.pk,
                "key": area.key,
                "name": area.name,
                "summary": area.summary,
                "order": area.order,
                "levels": [
                    {"number": lv.number, "title": lv.title, "descriptor": lv.descriptor}
                    for lv in levels[area.pk]
                ],
                "prompts": prompts[area.pk],
            }
            for area in areas
        ],
    }


def create_old_data(apps) -> dict:
    get = apps.get_model
    User = get(*settings.AUTH_USER_MODEL.split("."))
    started = timezone.now() - timedelta(days=400)
    fran = User.objects.create(username="fran", email="fran@example.nhs.uk")
    team = get("teams", "Team").objects.create(name="Team A", slug="team-a")
    get("teams", "Membership").objects.create(team=team, user=fran)

    model = get("maturity", "MaturityModel").objects.create(
        key=KEY,
        name=SHIPPED["name"],
        description=SHIPPED["description"],
        framing=ODD,
        is_default=True,
    )
    get("maturity", "HistoricalMaturityModel").objects.create(
        id=model.pk,
        key=model.key,
        name=model.name,
        description=model.description,
        framing=model.framing,
        is_default=True,
        history_date=started,
        history_type="+",
    )
    areas, levels, prompts = [], {}, {}
    for order, data in enumerate(SHIPPED["areas"], start=1):
        area = get("maturity", "Area").objects.create(
            model=model, key=data["key"], name=data["name"], summary=data["summary"], order=order
        )
        areas.append(area)
        levels[area.pk] = [
            get("maturity", "Level").objects.create(
                area=area,
                number=level["number"],
                title=level["title"],
                descriptor=level["descriptor"] + (ODD if order == 2 else ""),
            )
            for level in data["levels"]
        ]
        prompts[area.pk] = [
            get("maturity", "Prompt").objects.create(area=area, text=text, order=i).text
            for i, text in enumerate(data["prompts"], start=1)
        ]

    rubric = old_rubric(model, areas, levels, prompts)
    # An older workshop pinned older text: it must keep it.
    older = copy.deepcopy(rubric)
    older["areas"][0]["levels"][2]["descriptor"] = "The text of three years ago."
    Workshop = get("workshops", "Workshop")
    workshops = [
        Workshop.objects.create(
            team=team,
            facilitator=fran,
            model=model,
            rubric=pinned,
            rubric_as_of=started,
            held_on=date(2025, 1, 1) + timedelta(days=i),
            status="closed",
            chosen_area=areas[1],
            closed_at=started,
            join_code=f"CODE{i}",
        )
        for i, pinned in enumerate([rubric, older])
    ]
    participant = get("workshops", "Participant").objects.create(
        workshop=workshops[0], display_name="Sam"
    )
    for n, area in enumerate(areas, start=1):
        get("workshops", "AreaScore").objects.create(
            workshop=workshops[0], area=area, score=n, helps=f"{ODD}{n}", holds_back=f"hb {n}"
        )
        get("workshops", "Vote").objects.create(
            workshop=workshops[0], participant=participant, area=area, level=6 - n
        )
    experiment = get("experiments", "Experiment").objects.create(
        team=team,
        workshop=workshops[0],
        area=areas[1],
        change=ODD,
        outcome="fewer hand-offs",
        signal="stories finish",
        review_date=date(2025, 2, 1),
        status="finished",
        started_on=date(2025, 1, 2),
        finished_on=date(2025, 1, 30),
        result="supported",
        learning="Pairing helps.",
        created_by=fran,
    )
    get("playbook", "Entry").objects.create(
        experiment=experiment,
        team=team,
        area=areas[1],
        title="Pair on every story",
        slug="pair-on-every-story",
        problem=ODD,
        hypothesis="Pairing cuts hand-offs.",
        what_we_did="We paired.",
        duration="6 weeks",
        result="supported",
        learning="Pairing helps.",
        advice="Start small.",
        status="published",
        published_at=started,
        created_by=fran,
    )
    return {
        "started": started,
        "model": model.pk,
        "areas": {a.key: a.pk for a in areas},
        "levels": {
            (area.key, lv.number): (lv.title, lv.descriptor)
            for area in areas
            for lv in levels[area.pk]
        },
        "prompts": {area.key: prompts[area.pk] for area in areas},
        "rubrics": {w.pk: copy.deepcopy(w.rubric) for w in workshops},
        "experiment": experiment.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_data_in_the_old_shape_migrates_losslessly():
    try:
        old = create_old_data(migrate(BEFORE))
        migrate(latest())
        check_migrated(old)
    finally:
        migrate(latest())  # whatever happened, leave the database as other tests expect


def check_migrated(old: dict) -> None:
    from experiments.models import Experiment
    from maturity.models import Area, Level, MaturityModel, ScaleLevel
    from playbook.models import Entry
    from workshops.models import AreaScore, Vote, Workshop

    model = MaturityModel.objects.get(key=KEY)
    labels = [point["label"] for point in SHIPPED["scale"]]
    assert model.pk == old["model"] and model.is_default
    assert model.framing == ODD
    assert list(model.scale.order_by("number").values_list("number", "label")) == list(
        enumerate(labels, start=1)
    )
    assert model.structure_problems() == []

    # The scale has a history from the model's first day, so "as of" look-ups are whole.
    assert ScaleLevel.history.filter(history_date=old["started"]).count() == 5
    assert model.snapshot(as_of=old["started"] + timedelta(seconds=1))["scale"] == [
        {"number": n, "label": label} for n, label in enumerate(labels, start=1)
    ]

    areas = Area.objects.filter(model=model)
    assert {a.key: a.pk for a in areas} == old["areas"]
    assert not areas.filter(retired=True).exists()
    assert {
        (lv.area.key, lv.number): (lv.title, lv.descriptor)
        for lv in Level.objects.filter(area__model=model).select_related("area")
    } == old["levels"]
    assert {
        a.key: list(a.prompts.order_by("order").values_list("text", flat=True)) for a in areas
    } == old["prompts"]

    for workshop in Workshop.objects.all():
        assert workshop.model_id == model.pk
        rubric = workshop.rubric
        assert rubric.pop("scale") == [
            {"number": n, "label": label} for n, label in enumerate(labels, start=1)
        ]
        assert rubric == old["rubrics"][workshop.pk]
        assert json.dumps(rubric, sort_keys=True) == json.dumps(
            old["rubrics"][workshop.pk], sort_keys=True
        )
    assert Workshop.objects.count() == 2
    older = Workshop.objects.get(join_code="CODE1")
    assert older.rubric["areas"][0]["levels"][2]["descriptor"] == "The text of three years ago."
    assert older.level_numbers == [1, 2, 3, 4, 5]

    scores = AreaScore.objects.select_related("area")
    assert sorted((s.area.key, s.score, s.helps) for s in scores) == sorted(
        (key, n, f"{ODD}{n}") for n, key in enumerate(old["areas"], start=1)
    )
    assert all(s.area.model_id == model.pk for s in scores)
    assert sorted(Vote.objects.values_list("area__model__key", "level")) == [
        (KEY, n) for n in range(1, 6)
    ]
    experiment = Experiment.objects.get(pk=old["experiment"])
    assert (experiment.area.model.key, experiment.area.key, experiment.change) == (
        KEY,
        "focus",
        ODD,
    )
    entry = Entry.objects.get()
    assert (entry.area.model.key, entry.area.key, entry.problem) == (KEY, "focus", ODD)
