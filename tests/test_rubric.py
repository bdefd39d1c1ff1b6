"""The maturity model's rules: five levels per area, no gaps, no empty text,
and the text as it was at any moment."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from maturity.models import Area, Level, MaturityModel


def test_default_rubric_has_five_areas_of_five_levels(rubric):
    areas = list(rubric.areas.order_by("order"))
    assert [a.key for a in areas] == ["collaboration", "focus", "culture", "delivery", "approach"]
    for area in areas:
        assert list(area.levels.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
        assert all(level.descriptor.strip() for level in area.levels.all())
        assert area.prompts.count() >= 3


def test_loading_the_default_rubric_twice_keeps_admin_edits(rubric):
    level = Level.objects.get(area__key="focus", number=3)
    level.descriptor = "Edited by an admin."
    level.save()
    from django.core.management import call_command

    call_command("load_models")
    level.refresh_from_db()
    assert level.descriptor == "Edited by an admin."
    assert MaturityModel.objects.count() == 1


def test_a_sixth_level_is_refused_by_the_database(rubric):
    area = rubric.areas.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Level.objects.create(area=area, number=6, title="Beyond", descriptor="Too far.")


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
    for order, key in enumerate(["one", "two", "three"], start=1):
        area = Area.objects.create(model=other, key=key, name=key.title(), summary="S", order=order)
        for number in range(1, 6):
            Level.objects.create(area=area, number=number, title=f"L{number}", descriptor="D")
    snapshot = other.snapshot()
    assert [a["key"] for a in snapshot["areas"]] == ["one", "two", "three"]
    assert all(len(a["levels"]) == 5 for a in snapshot["areas"])


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
