"""The entry page and starting your own experiment from it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from experiments.models import Experiment
from playbook.models import Adoption, Entry
from tests.conftest import make_team, make_user
from tests.playbook.factories import make_adoption, make_entry, make_experiment


def entry_url(entry) -> str:
    return reverse("playbook:entry", args=[entry.slug])


def start_url(entry) -> str:
    return reverse("playbook:start", args=[entry.slug])


@pytest.fixture
def entry(team_a):
    return make_entry(team_a)


def test_entry_has_a_readable_address(entry):
    assert entry_url(entry) == "/playbook/releasing-weekly-behind-a-flag/"


def test_anyone_signed_in_reads_a_published_entry(member_b_client, entry):
    page = member_b_client.get(entry_url(entry)).content.decode()
    assert entry.title in page
    assert "Small releases made rollback boring." in page
    assert "Team A" in page
    assert "Start your own experiment" in page
    assert "Withdraw" not in page


def test_signed_out_visitor_is_sent_to_sign_in(client, entry):
    assert client.get(entry_url(entry)).status_code == 302


def test_entry_page_refuses_post(member_b_client, entry):
    assert member_b_client.post(entry_url(entry)).status_code == 405


def test_unknown_slug_is_404(member_b_client, db):
    assert member_b_client.get("/playbook/no-such-entry/").status_code == 404


@pytest.mark.parametrize("state", ["draft", "withdrawn", "hidden"])
def test_unpublished_entries_are_404_for_others_but_open_to_the_team(
    client, member_a, member_b, team_a, admin_user, state
):
    entry = make_entry(team_a, status="withdrawn" if state == "hidden" else state)
    if state == "hidden":
        entry.hide("It names a supplier.", by=admin_user)
    client.force_login(member_b)
    assert client.get(entry_url(entry)).status_code == 404
    client.force_login(member_a)
    page = client.get(entry_url(entry)).content.decode()
    assert "Only your team can see it" in page or "It names a supplier." in page
    client.force_login(admin_user)
    assert client.get(entry_url(entry)).status_code == 200


def test_tried_by_counts_teams_and_names_only_those_who_agreed(member_b_client, entry):
    named = make_team("NHS App Messaging")
    unnamed = make_team("Quiet Team")
    make_adoption(entry, named)
    make_adoption(entry, named)
    finished = make_adoption(entry, unnamed, show_team_name=False)
    Experiment.objects.filter(pk=finished.experiment_id).update(
        status="finished", result="not_supported"
    )
    page = member_b_client.get(entry_url(entry)).content.decode()
    assert "Tried by 2 teams" in page
    assert "NHS App Messaging" in page
    assert "Quiet Team" not in page
    assert "hypothesis not supported" in page


def test_entry_page_queries_do_not_grow_with_tries(
    member_b_client, entry, django_assert_max_num_queries
):
    for i in range(20):
        make_adoption(entry, make_team(f"Team {i}"))
    with django_assert_max_num_queries(8):
        member_b_client.get(entry_url(entry))


def test_start_form_is_prefilled_from_the_entry(member_b_client, entry):
    page = member_b_client.get(start_url(entry)).content.decode()
    assert "we release every week behind a feature flag</textarea>" in page
    assert "no rollbacks and a release every Thursday for six weeks</textarea>" in page
    assert '<option value="Team B"' not in page  # teams are chosen by id
    assert "Team B" in page
    review = timezone.localdate() + timedelta(weeks=6)
    assert f'value="{review.day} {review:%B %Y}"' in page


def start_data(team, entry, **overrides) -> dict:
    data = {
        "team": team.pk,
        "area": entry.area_id,
        "change": "we release weekly behind a flag",
        "outcome": "calmer releases",
        "signal": "no rollbacks for a month",
        "first_actions": "Pick a flag library.",
        "review_date": (timezone.localdate() + timedelta(weeks=4)).isoformat(),
        "show_team_name": "True",
    }
    data.update(overrides)
    return data


def test_start_creates_a_planned_experiment_linked_to_the_entry(member_b_client, team_b, entry):
    response = member_b_client.post(start_url(entry), start_data(team_b, entry))
    assert response.status_code == 302
    adoption = Adoption.objects.get(entry=entry)
    experiment = adoption.experiment
    assert experiment.team == team_b
    assert experiment.status == Experiment.Status.PLANNED
    assert experiment.change == "we release weekly behind a flag"
    assert experiment.workshop is None
    page = member_b_client.get(entry_url(entry)).content.decode()
    assert "Tried by 1 team" in page
    assert "Team B: planned" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"review_date": "2020-01-01"}, "The review date must be in the future."),
        ({"review_date": "31/02/2027"}, "Enter a real date"),
        ({"change": "  "}, "Describe the change your team will make."),
        ({"area": "999"}, "Choose an area from the list."),
        # No longer than the experiment's own edit form allows, or it could never be edited.
        ({"signal": "s" * 2001}, "Ensure this value has at most 2000 characters"),
    ],
)
def test_start_explains_bad_input_and_keeps_the_rest(
    member_b_client, team_b, entry, overrides, message
):
    response = member_b_client.post(start_url(entry), start_data(team_b, entry, **overrides))
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "Pick a flag library." in page
    assert not Adoption.objects.exists()


def test_start_refuses_a_team_i_am_not_in(member_b_client, team_a, team_b, entry):
    page = member_b_client.post(start_url(entry), start_data(team_a, entry)).content.decode()
    assert "Choose one of your teams." in page
    assert not Experiment.objects.filter(team=team_a, status="planned").exists()


def test_start_without_a_team_explains_why(client, entry):
    client.force_login(make_user("loner"))
    response = client.get(start_url(entry))
    assert response.status_code == 403
    assert "You are not in a team yet" in response.content.decode()
    assert client.post(start_url(entry), {}).status_code == 403
    assert not Adoption.objects.exists()


def test_start_from_a_hidden_entry_is_404(member_b_client, entry, admin_user):
    entry.hide("Off topic.", by=admin_user)
    assert member_b_client.get(start_url(entry)).status_code == 404


def test_start_refuses_other_methods(member_b_client, entry):
    assert member_b_client.put(start_url(entry)).status_code == 405


def test_start_from_a_withdrawn_entry_is_404_even_for_its_team(member_a_client, team_a):
    entry = make_entry(team_a, status=Entry.Status.WITHDRAWN)
    assert member_a_client.get(start_url(entry)).status_code == 404


def test_admins_get_a_link_to_moderate(admin_client_, entry):
    page = admin_client_.get(entry_url(entry)).content.decode()
    assert reverse("admin:playbook_entry_change", args=[entry.pk]) in page


def test_others_get_no_moderation_link(member_b_client, entry):
    assert "Moderate this entry" not in member_b_client.get(entry_url(entry)).content.decode()


def test_start_from_another_models_entry_offers_the_teams_own_models_areas(
    member_b_client, team_a, team_b
):
    """An entry from the engineering review; team B has only used the default
    model. The form offers both models' areas, grouped, the entry's own first,
    and team B starts its version in an area of the model it uses."""
    from maturity.models import Area

    security = Area.objects.get(model__key="engineering-quality", key="security")
    experiment = make_experiment(team_a, area=security)
    review_entry = make_entry(team_a, title="Threat modelling each epic", experiment=experiment)
    page = member_b_client.get(start_url(review_entry)).content.decode()
    engineering = page.index('<optgroup label="Engineering quality review">')
    default = page.index('<optgroup label="Product team maturity model">')
    assert engineering < default
    # A model nobody in team B uses, and that is neither the entry's nor the default, is left out.
    assert '<optgroup label="User-centred design self-review">' not in page

    delivery = Area.objects.get(model__is_default=True, key="delivery")
    response = member_b_client.post(
        start_url(review_entry), start_data(team_b, review_entry, area=delivery.pk)
    )
    assert response.status_code == 302
    started = team_b.experiments.get()
    assert started.area == delivery
    assert started.area.model.is_default


def test_start_refuses_an_area_of_a_model_the_teams_do_not_use(member_b_client, team_a, team_b):
    from maturity.models import Area

    entry = make_entry(team_a)
    ucd = Area.objects.filter(model__key="user-centred-design").first()
    response = member_b_client.post(start_url(entry), start_data(team_b, entry, area=ucd.pk))
    assert response.status_code == 200
    assert "Choose an area from the list." in response.content.decode()
    assert not team_b.experiments.exists()
