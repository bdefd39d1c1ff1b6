import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from experiments.models import Experiment
from playbook.models import Entry
from teams.models import Team
from workshops.models import Workshop


def test_seed_demo_creates_sign_ins_once(db, settings, rubric, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.filter(username="facilitator").count() == 1
    assert Team.objects.filter(slug="repeat-prescriptions").count() == 1
    assert "username facilitator" in capsys.readouterr().out


def test_seed_demo_has_a_board_with_a_past_workshop_on_its_own_model(db, settings, rubric, client):
    """A newcomer sees that boards use the service: the demo board, its
    closed workshop on the board model, its experiment and its playbook entry."""
    settings.DEBUG = True
    call_command("seed_demo")
    board = Team.objects.get(slug="trust-board")
    assert board.kind == Team.Kind.BOARD
    workshop = Workshop.objects.get(team=board)
    assert workshop.is_closed and workshop.model.key == "board-digital-leadership"
    assert workshop.scores.count() == workshop.model.areas.count()
    scale = set(workshop.level_numbers)
    assert set(workshop.scores.values_list("score", flat=True)) <= scale
    experiment = Experiment.objects.get(team=board)
    assert experiment.area == workshop.chosen_area and experiment.result == "supported"
    entry = Entry.objects.get(team=board)
    assert entry.is_visible and entry.area.model.key == "board-digital-leadership"
    # The demo facilitator ran it, so it is on their home page and they can open it.
    client.force_login(get_user_model().objects.get(username="facilitator"))
    assert "Your teams and boards" in client.get(reverse("home")).content.decode()
    page = client.get(reverse("teams:detail", args=[board.slug])).content.decode()
    assert "Every workshop the board has held" in page
    call_command("seed_demo")
    assert Workshop.objects.filter(team=board).count() == 1


def test_seed_demo_refuses_in_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development only"):
        call_command("seed_demo")
