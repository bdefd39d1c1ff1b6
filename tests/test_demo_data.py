import pytest
from django.core.management import CommandError, call_command

from teams.models import Team


def test_seed_demo_creates_sign_ins_once(db, settings, rubric, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.filter(username="facilitator").count() == 1
    assert Team.objects.filter(slug="repeat-prescriptions").count() == 1
    assert "username facilitator" in capsys.readouterr().out


def test_seed_demo_refuses_in_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development only"):
        call_command("seed_demo")
