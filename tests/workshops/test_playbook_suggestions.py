"""The choose and experiment steps show what other teams learned in each area."""

from django.conf import settings
from django.urls import reverse

from maturity.interchange import import_model
from teams.models import Team
from tests.conftest import make_team
from tests.playbook.factories import make_entry, make_experiment
from tests.workshops.conftest import make_workshop


def _present_at(client, workshop, step):
    workshop.step = step
    workshop.save(update_fields=["step"])
    return client.get(reverse("workshops:present", args=[workshop.pk])).content.decode()


def test_choose_step_shows_playbook_entries_for_each_area(facilitator_client, workshop, team_b):
    make_entry(team_b, title="Showing the thing, not papers", area_key="collaboration")
    choose_step = len(workshop.areas) + 1

    content = _present_at(facilitator_client, workshop, choose_step)

    assert "Showing the thing, not papers" in content
    assert "Nobody has shared an experiment in this area yet." in content  # the other areas


def test_experiment_step_shows_entries_for_the_chosen_area_only(
    facilitator_client, workshop, team_b
):
    from maturity.models import Area

    make_entry(team_b, title="Weekly releases behind a flag", area_key="delivery")
    make_entry(team_b, title="Rotating the stand-up", area_key="approach")
    workshop.chosen_area = Area.objects.get(key="delivery")
    workshop.save(update_fields=["chosen_area"])

    content = _present_at(facilitator_client, workshop, len(workshop.areas) + 2)

    assert "Weekly releases behind a flag" in content
    assert "Rotating the stand-up" not in content


def test_a_boards_workshop_suggests_only_from_the_board_model(
    facilitator_client, facilitator, team_b, rubric
):
    """Board experiments are entries like any other: a board's workshop is
    offered what was tried on its own model, and the playbook filters by it."""
    board_model = import_model(
        (settings.BASE_DIR / "fixtures/models/board-digital-leadership.json").read_bytes()
    ).model
    close = board_model.areas.get(key="close-to-users")
    board = make_team("Trust Board", kind=Team.Kind.BOARD)
    other_board = make_team("Other Board", kind=Team.Kind.BOARD)
    make_entry(team_b, title="Showing the thing, not papers", area_key="collaboration")
    make_entry(
        other_board,
        title="Open with the service, not a paper",
        experiment=make_experiment(other_board, area=close),
    )
    workshop = make_workshop(board, facilitator, board_model)

    choose = _present_at(facilitator_client, workshop, len(workshop.areas) + 1)
    assert "What others tried" in choose
    assert "Open with the service, not a paper" in choose
    assert "Showing the thing, not papers" not in choose

    workshop.chosen_area = close
    workshop.save(update_fields=["chosen_area"])
    written = _present_at(facilitator_client, workshop, len(workshop.areas) + 2)
    assert "What others tried in Close to what users experience" in written
    assert "Open with the service, not a paper" in written
    assert "Showing the thing, not papers" not in written

    playbook = reverse("playbook:list")
    for query in ({"model": board_model.key}, {"area": f"{board_model.key}.{close.key}"}):
        found = facilitator_client.get(playbook, query).content.decode()
        assert "Open with the service, not a paper" in found
        assert "Showing the thing, not papers" not in found
