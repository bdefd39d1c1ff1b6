"""Boards and organisations are teams in the service's sense: members,
workshops, history, experiments. Their pages say "the board" or "the
organisation" where a team's say "the team"."""

from datetime import date

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from maturity.interchange import import_model
from playbook.models import Entry
from teams.models import Team, plural_nouns
from tests.conftest import make_team
from tests.history.factories import make_closed_workshop, make_experiment
from tests.playbook.factories import make_entry
from tests.workshops.conftest import join, make_workshop

MODELS = settings.BASE_DIR / "fixtures" / "models"


def shipped(key: str):
    return import_model((MODELS / f"{key}.json").read_bytes()).model


@pytest.fixture
def board_model(db):
    return shipped("board-digital-leadership")


@pytest.fixture
def board(member_a):
    return make_team("Trust Board", member_a, kind=Team.Kind.BOARD)


def test_a_team_is_a_team_unless_told_otherwise(db):
    team = Team.objects.create(name="Repeat Prescriptions", slug="repeat-prescriptions")
    assert (team.kind, team.noun, team.nouns) == ("team", "team", "teams")
    assert team.anonymous_name == "An NHS product team"


def test_each_kind_has_its_own_words(db):
    board = Team(name="B", kind=Team.Kind.BOARD)
    organisation = Team(name="O", kind=Team.Kind.ORGANISATION)
    assert (board.noun, board.nouns, board.anonymous_name) == ("board", "boards", "An NHS board")
    assert (organisation.noun, organisation.anonymous_name) == (
        "organisation",
        "An NHS organisation",
    )
    team = Team(name="T")
    assert plural_nouns([]) == "teams"
    assert plural_nouns([team, team]) == "teams"
    assert plural_nouns([board]) == "boards"
    assert plural_nouns([organisation, team]) == "teams and organisations"
    assert plural_nouns([organisation, board, team]) == "teams, boards and organisations"


def test_a_new_boards_page_speaks_of_the_board(member_a_client, board):
    content = member_a_client.get(reverse("teams:detail", args=[board.slug])).content.decode()
    assert '<span class="nhsuk-caption-l">Board</span>' in content
    assert "The board has no finished workshops yet" in content
    assert "run the board's first workshop" in content
    assert "never compared with other boards" in content
    assert "the team" not in content.lower()


def test_a_boards_history_is_kept_on_its_own_model(
    member_a_client, board, board_model, facilitator
):
    top = len(board_model.scale_numbers)
    scores = [1 + i % top for i in range(board_model.areas.count())]
    make_closed_workshop(board, facilitator, date(2026, 5, 1), scores, model=board_model)
    content = member_a_client.get(reverse("teams:detail", args=[board.slug])).content.decode()
    assert "Digital leadership: a board&#x27;s self-review" in content
    assert "The board's workshops on Digital leadership" in content
    assert "the team" not in content.lower()


def test_a_team_page_reads_as_before(member_a_client, team_a):
    content = member_a_client.get(reverse("teams:detail", args=[team_a.slug])).content.decode()
    assert "The team has no finished workshops yet" in content
    assert "nhsuk-caption-l" not in content


def test_home_names_the_kinds_of_group_a_person_belongs_to(member_a_client, team_a, board):
    content = member_a_client.get(reverse("home")).content.decode()
    assert "<h2>Your teams and boards</h2>" in content
    assert "Trust Board" in content and "Team A" in content


def test_admin_sets_the_kind_in_the_team_form(admin_client_):
    add = reverse("admin:teams_team_add")
    assert 'name="kind"' in admin_client_.get(add).content.decode()
    inline = {
        f"memberships-{field}": value
        for field, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0), ("MIN_NUM_FORMS", 0))
    }
    response = admin_client_.post(
        add,
        {"name": "North Trust", "slug": "north-trust", "kind": "organisation", **inline},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Team.objects.get(slug="north-trust").noun == "organisation"
    refused = admin_client_.post(
        add, {"name": "Odd", "slug": "odd", "kind": "committee", **inline}
    ).content.decode()
    assert "Select a valid choice" in refused
    assert not Team.objects.filter(slug="odd").exists()


def test_a_boards_workshop_speaks_to_the_board(facilitator_client, facilitator, board, board_model):
    workshop = make_workshop(board, facilitator, board_model)
    url = reverse("workshops:present", args=[workshop.pk])
    opening = facilitator_client.get(url).content.decode()
    assert "Trust Board: how are we working today?" in opening
    assert "around the board table" in opening  # the board model's own framing
    workshop.step = 1
    workshop.save(update_fields=["step"])
    first_area = workshop.area_for_step(1)["name"]
    area = facilitator_client.get(url).content.decode()
    assert f"What the board agreed on {first_area}" in area
    phone_client = Client()
    join(phone_client, workshop, "Sam")
    phone = phone_client.get(reverse("workshops:live", args=[workshop.join_code])).content.decode()
    assert "Where is the board today?" in phone
    assert phone.count('class="app-vote"') == len(board_model.scale_numbers)


def test_a_boards_playbook_entry_and_publish_form_name_the_board(
    member_a_client, board, board_model
):
    area = board_model.areas.order_by("order").first()
    experiment = make_experiment(board, area=area, status="finished")
    form = member_a_client.get(reverse("playbook:publish", args=[experiment.pk])).content.decode()
    assert "Show our board&#x27;s name (Trust Board)" in form
    assert "An NHS board" in form
    entry = make_entry(board, experiment=experiment, show_team_name=False)
    assert entry.shared_by == "An NHS board"
    assert Entry.objects.get().area.model == board_model
