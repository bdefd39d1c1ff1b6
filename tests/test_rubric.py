"""The maturity model's rules: each area has one level per point of its
model's scale, no gaps, no empty text, and the text as it was at any moment."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from maturity.management.commands.load_models import MODELS_DIR
from maturity.models import MAX_SCALE, Area, Level, MaturityModel, ScaleLevel


def test_default_rubric_has_five_areas_of_five_levels(rubric):
    assert rubric.key == "product-team-maturity"
    assert rubric.scale_numbers == [1, 2, 3, 4, 5]
    areas = list(rubric.areas.order_by("order"))
    assert [a.key for a in areas] == ["collaboration", "focus", "culture", "delivery", "approach"]
    for area in areas:
        assert list(area.levels.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
        assert all(level.descriptor.strip() for level in area.levels.all())
        assert area.prompts.count() >= 3


def test_every_shipped_model_has_levels_that_match_its_scale(rubric):
    models = {m.key: m for m in MaturityModel.objects.all()}
    assert set(models) == {
        "product-team-maturity",
        "user-centred-design",
        "engineering-quality",
        "board-digital-leadership",
        "what-good-looks-like",
    }
    # load_models reads every file in the folder, not a list.
    assert set(models) == {path.stem for path in MODELS_DIR.glob("*.json")}
    assert [m.key for m in MaturityModel.objects.filter(is_default=True)] == [rubric.key]
    assert len(models["engineering-quality"].scale_numbers) == 4
    assert models["engineering-quality"].areas.count() != 5
    for model in models.values():
        assert model.structure_problems() == [], model.key
        for area in model.areas.all():
            assert list(area.levels.values_list("number", flat=True)) == model.scale_numbers


def test_loading_the_default_rubric_twice_keeps_admin_edits(rubric):
    level = Level.objects.get(area__key="focus", number=3)
    level.descriptor = "Edited by an admin."
    level.save()
    from django.core.management import call_command

    call_command("load_models")
    level.refresh_from_db()
    assert level.descriptor == "Edited by an admin."
    assert MaturityModel.objects.count() == len(list(MODELS_DIR.glob("*.json")))


def test_a_level_beyond_the_largest_scale_is_refused_by_the_database(rubric):
    area = rubric.areas.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Level.objects.create(area=area, number=MAX_SCALE + 1, title="Beyond", descriptor="Far.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Level.objects.create(area=area, number=0, title="Below", descriptor="Too low.")


def test_a_level_beyond_the_models_own_scale_is_a_structure_problem(rubric):
    """A sixth level fits the database (scales go to 7) but not this model's scale."""
    area = rubric.areas.get(key="focus")
    Level.objects.create(area=area, number=6, title="Beyond", descriptor="Too far.")
    assert rubric.structure_problems() == ["Focus: level 6 is not on the model's scale (1 to 5)."]


def test_a_missing_level_is_a_structure_problem(rubric):
    Level.objects.get(area__model=rubric, area__key="culture", number=3).delete()
    assert rubric.structure_problems() == ["Culture: level 3 is missing."]


def test_a_scale_out_of_bounds_is_a_structure_problem(rubric):
    ScaleLevel.objects.filter(model=rubric, number__gte=3).delete()
    problems = rubric.structure_problems()
    assert problems[0] == "The scale has 2 levels; it needs 3 to 7."
    assert "Focus: level 3, 4, 5 is not on the model's scale (1 to 2)." in problems


def test_two_levels_with_the_same_number_are_refused(rubric):
    area = rubric.areas.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Level.objects.create(area=area, number=3, title="Again", descriptor="Duplicate.")


def test_an_empty_descriptor_is_refused(rubric):
    level = Level.objects.get(area__key="culture", number=2)
    level.descriptor = ""
    with pytest.raises(IntegrityError), transaction.atomic():
        level.save()


def test_a_blank_descriptor_fails_validation(rubric):
    from django.core.exceptions import ValidationError

    level = Level.objects.get(area__key="culture", number=2)
    level.descriptor = "   "
    with pytest.raises(ValidationError) as error:
        level.full_clean()
    assert "descriptor" in error.value.message_dict


def test_another_framework_is_just_data(db):
    other = MaturityModel.objects.create(key="three-areas", name="Three areas")
    for number in range(1, 8):
        ScaleLevel.objects.create(model=other, number=number, label=f"Point {number}")
    for order, key in enumerate(["one", "two", "three"], start=1):
        area = Area.objects.create(model=other, key=key, name=key.title(), summary="S", order=order)
        for number in range(1, 8):
            Level.objects.create(area=area, number=number, title=f"L{number}", descriptor="D")
    assert other.structure_problems() == []
    snapshot = other.snapshot()
    assert [a["key"] for a in snapshot["areas"]] == ["one", "two", "three"]
    assert all(len(a["levels"]) == 7 for a in snapshot["areas"])
    assert [p["number"] for p in snapshot["scale"]] == [1, 2, 3, 4, 5, 6, 7]


def test_snapshot_as_of_a_moment_shows_the_text_of_that_moment(rubric):
    before = timezone.now()
    level = Level.objects.get(area__key="delivery", number=1)
    original = level.descriptor
    level.descriptor = "A new descriptor written later."
    level.save()

    then = rubric.snapshot(as_of=before)
    now = rubric.snapshot()

    def delivery_1(snapshot):
        area = next(a for a in snapshot["areas"] if a["key"] == "delivery")
        return area["levels"][0]["descriptor"]

    assert delivery_1(then) == original
    assert delivery_1(now) == "A new descriptor written later."
