"""Importing a changed file: text changes in place and its history is kept;
a change of structure never alters a past workshop."""

from __future__ import annotations

import copy
import json

import pytest
from django.conf import settings
from django.utils import timezone

from maturity.interchange import dump_model, import_model
from maturity.models import Area, Level, MaturityModel, ScaleLevel
from workshops.models import AreaScore, Vote, Workshop

from .files import as_file, changed

pytestmark = pytest.mark.django_db

SHIPPED = settings.BASE_DIR / "fixtures" / "models" / "product-team-maturity.json"
SHIPPED_FILES = sorted(SHIPPED.parent.glob("*.json"))


@pytest.fixture
def shipped() -> dict:
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


@pytest.fixture
def past_workshop(rubric, team_a, facilitator):
    """A closed workshop on the product team maturity model, scored and voted."""
    workshop = Workshop.objects.create(
        team=team_a,
        facilitator=facilitator,
        model=rubric,
        rubric=rubric.snapshot(),
        status=Workshop.Status.CLOSED,
        closed_at=timezone.now(),
    )
    participant = workshop.participants.create(display_name="Sam")
    for n, area in enumerate(rubric.areas.order_by("order"), start=1):
        AreaScore.objects.create(workshop=workshop, area=area, score=n, helps=f"helps {n}")
        Vote.objects.create(workshop=workshop, participant=participant, area=area, level=n)
    return workshop


def pinned(workshop: Workshop) -> dict:
    workshop.refresh_from_db()
    return workshop.rubric


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda path: path.stem)
def test_every_shipped_file_passes_the_checks_and_round_trips(path):
    """Import (every check a file must pass), export, import, export: the
    same file each time, named by its key, and its framing says the scores
    are never compared."""
    text = path.read_text(encoding="utf-8")
    first = import_model(path.read_bytes(), reason="Shipped model loaded")
    assert first.created and first.model.key == path.stem
    assert first.model.structure_problems() == []
    exported = dump_model(first.model)
    assert exported == text
    assert import_model(exported).changes == []
    assert dump_model(MaturityModel.objects.get(key=path.stem)) == text
    assert "compare" in json.loads(text)["framing"]


def test_changed_text_updates_in_place_and_history_keeps_the_old_text(rubric, shipped):
    level = Level.objects.get(area__model=rubric, area__key="focus", number=2)
    old = level.descriptor
    areas_before = dict(Area.objects.filter(model=rubric).values_list("key", "pk"))

    def change(d):
        d["areas"][1]["levels"][1]["descriptor"] = "New words\r\nfor level two."
        d["scale"][0]["label"] = "Beginning"
        d["name"] = "Product team maturity"

    result = import_model(as_file(changed(shipped, change)), reason="Imported from ptm.json")

    assert not result.created
    assert dict(Area.objects.filter(model=rubric).values_list("key", "pk")) == areas_before
    level.refresh_from_db()
    assert level.descriptor == "New words\r\nfor level two."
    versions = list(level.history.order_by("history_date", "history_id"))
    assert [v.descriptor for v in versions] == [old, "New words\r\nfor level two."]
    assert versions[-1].history_type == "~"
    assert versions[-1].history_change_reason == "Imported from ptm.json"
    label = ScaleLevel.objects.get(model=rubric, number=1)
    assert [v.label for v in label.history.order_by("history_id")][-1] == "Beginning"
    assert rubric.history.latest().name == "Product team maturity"
    assert "Model: changed name." in result.changes
    assert "Scale level 1: changed label." in result.changes
    assert "Focus level 2: changed descriptor." in result.changes


def test_reordering_areas(rubric, shipped):
    pks = dict(Area.objects.filter(model=rubric).values_list("key", "pk"))
    data = changed(shipped, lambda d: d["areas"].reverse())

    import_model(as_file(data))

    areas = list(Area.objects.filter(model=rubric).order_by("order"))
    assert [a.key for a in areas] == ["approach", "delivery", "culture", "focus", "collaboration"]
    assert [a.order for a in areas] == [1, 2, 3, 4, 5]
    assert {a.key: a.pk for a in areas} == pks
    assert dump_model(rubric) == as_file(data)


def test_an_area_left_out_is_retired_and_past_workshops_keep_it(rubric, shipped, past_workshop):
    before = copy.deepcopy(pinned(past_workshop))
    culture = Area.objects.get(model=rubric, key="culture")
    data = changed(shipped, lambda d: d["areas"].pop(2))

    result = import_model(as_file(data))

    culture.refresh_from_db()
    assert culture.retired
    assert "Retired the area Culture; past workshops keep it." in result.changes
    assert [a["key"] for a in rubric.snapshot()["areas"]] == [
        "collaboration",
        "focus",
        "delivery",
        "approach",
    ]
    assert rubric.structure_problems() == []
    assert pinned(past_workshop) == before
    assert AreaScore.objects.get(workshop=past_workshop, area=culture).score == 3
    assert Vote.objects.filter(workshop=past_workshop, area=culture).count() == 1
    assert dump_model(rubric) == as_file(data)


def test_a_new_area_and_a_smaller_scale_never_change_a_past_workshop(
    rubric, shipped, past_workshop
):
    before = copy.deepcopy(pinned(past_workshop))
    assert len(before["scale"]) == 5

    def change(d):
        d["scale"].pop()
        for area in d["areas"]:
            area["levels"].pop()
        d["areas"].append(
            {
                "key": "learning",
                "name": "Learning",
                "summary": "How the team learns.",
                "levels": [
                    {"number": n, "title": f"L{n}", "descriptor": f"Learning {n}."}
                    for n in range(1, 5)
                ],
                "prompts": ["What did we learn?"],
            }
        )

    data = changed(shipped, change)
    import_model(as_file(data))

    assert pinned(past_workshop) == before
    assert rubric.scale_numbers == [1, 2, 3, 4]
    assert rubric.structure_problems() == []
    assert len(rubric.snapshot()["areas"]) == 6
    # Scores and votes at level 5 stay as they were agreed.
    assert AreaScore.objects.filter(workshop=past_workshop, score=5).count() == 1
    assert Vote.objects.filter(workshop=past_workshop, level=5).count() == 1
    assert dump_model(rubric) == as_file(data)


def test_a_retired_area_that_comes_back_is_the_same_area(rubric, shipped, past_workshop):
    focus = Area.objects.get(model=rubric, key="focus")
    import_model(as_file(changed(shipped, lambda d: d["areas"].pop(1))))
    focus.refresh_from_db()
    assert focus.retired

    # It comes back at the end, under a new name.
    def change(d):
        area = d["areas"].pop(1)
        area["name"] = "Focus and purpose"
        d["areas"].append(area)

    data = changed(shipped, change)
    result = import_model(as_file(data))

    focus.refresh_from_db()
    assert not focus.retired
    assert (focus.order, focus.name) == (5, "Focus and purpose")
    assert "Brought back the area Focus and purpose." in result.changes
    assert Area.objects.filter(model=rubric).count() == 5
    assert AreaScore.objects.get(workshop=past_workshop, area=focus).score == 2
    assert dump_model(rubric) == as_file(data)


def test_other_models_are_left_alone(rubric, shipped):
    others = {m.key: dump_model(m) for m in MaturityModel.objects.exclude(key=shipped["key"])}
    assert len(others) == len(SHIPPED_FILES) - 1
    import_model(as_file(changed(shipped, lambda d: d["areas"].reverse())))
    assert {k: dump_model(MaturityModel.objects.get(key=k)) for k in others} == others
