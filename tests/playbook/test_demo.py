"""The demo playbook that `make run` shows."""

import io

from django.core.management import call_command

from playbook import demo
from playbook.models import Adoption, Entry


def test_seed_demo_builds_a_realistic_playbook_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    entries = Entry.objects.published()
    assert 20 <= entries.count() <= 30
    # Every area of the default model, and the demo board's own entry on its model.
    assert entries.filter(team__kind="board", area__model__key="board-digital-leadership").exists()
    default = entries.filter(area__model__is_default=True)
    assert set(default.values_list("area__key", flat=True)) == {
        "collaboration",
        "focus",
        "culture",
        "delivery",
        "approach",
    }
    assert set(entries.values_list("result", flat=True)) == {
        "supported",
        "not_supported",
        "inconclusive",
    }
    assert entries.filter(show_team_name=False).exists()
    assert not entries.filter(team__slug="repeat-prescriptions").exists()
    assert all(entry.hypothesis_parts()["signal"] for entry in entries)
    assert Adoption.objects.count() == len(demo.ADOPTIONS)

    out = io.StringIO()
    demo.seed(out)
    assert "already there" in out.getvalue()
    assert Entry.objects.count() == entries.count()
