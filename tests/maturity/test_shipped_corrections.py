"""`load_models --update`: a release's corrections to the shipped models'
text arrive as a new version of the rubric; a past workshop keeps the text
it was scored against, and text an admin has changed is kept and named."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from maturity.management.commands import load_models
from maturity.models import Level, MaturityModel
from maturity.shipped import CORRECTED

pytestmark = pytest.mark.django_db

KEY = "product-team-maturity"


@pytest.fixture
def next_release(tmp_path, monkeypatch, rubric):
    """The shipped models as the next release ships them (a copy to correct)."""
    for path in load_models.MODELS_DIR.glob("*.json"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(load_models, "MODELS_DIR", tmp_path)
    return tmp_path / f"{KEY}.json"


def correct(path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")


def run(*args) -> str:
    out = StringIO()
    call_command("load_models", *args, stdout=out)
    return out.getvalue()


def level(number: int) -> Level:
    return Level.objects.get(area__model__key=KEY, area__key="collaboration", number=number)


def test_corrections_arrive_as_a_new_version_and_admins_edits_stay(next_release, rubric):
    pinned, scored_at = rubric.snapshot(), timezone.now()
    # An admin rewords level 1 in the admin (no reason: not shipped).
    edited = level(1)
    edited.descriptor = "Our own words for level 1."
    edited.save()

    def corrections(data):
        levels = data["areas"][0]["levels"]
        levels[0]["descriptor"] = "The release's level 1."
        levels[1]["descriptor"] = "The release's corrected level 2."
        data["areas"][0]["prompts"].append("A prompt the release adds?")

    correct(next_release, corrections)

    assert "left as they are" in run()  # without --update nothing changes
    assert level(2).descriptor != "The release's corrected level 2."

    said = run("--update")
    assert level(2).descriptor == "The release's corrected level 2."
    assert level(1).descriptor == "Our own words for level 1."
    assert "Kept: Product team maturity model: Collaboration level 1: kept the descriptor" in said
    assert "Updated from the shipped text: Product team maturity model (1 change)." in said
    assert "A prompt the release adds?" in [p.text for p in level(2).area.prompts.all()]
    assert level(2).history.first().history_change_reason == CORRECTED
    # The past workshop's rubric, and the model's text as it was then, are unchanged.
    then = MaturityModel.objects.get(key=KEY).snapshot(as_of=scored_at)
    assert then["areas"] == pinned["areas"] and then["model"] == pinned["model"]

    # Run again (the next release with nothing new): nothing more to take.
    again = run("--update")
    assert "Updated" not in again and "Kept 1 of admins' changes" in again


def test_an_area_an_admin_added_is_kept(next_release, rubric):
    area = rubric.areas.create(key="ours", name="Our own area", summary="Ours.", order=99)
    for point in rubric.scale.all():
        area.levels.create(number=point.number, title=f"T{point.number}", descriptor="D")
    said = run("--update")
    area.refresh_from_db()
    assert not area.retired
    assert "The area Our own area: an admin's, kept." in said


def test_the_release_step_migrates_and_takes_corrections_when_asked(next_release, rubric):
    correct(next_release, lambda data: data["areas"][0]["levels"][1].update(descriptor="New 2."))
    out = StringIO()
    call_command("release", stdout=out)
    assert level(2).descriptor != "New 2."
    call_command("release", "--update", stdout=out)
    assert level(2).descriptor == "New 2."
    assert "Released: the database is migrated and the models are loaded." in out.getvalue()
