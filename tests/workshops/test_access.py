"""Who gets what on every workshop URL: the facilitator runs it, the team's
members read it, a member of another team and an anonymous visitor get
nothing, and a participant with a code gets only the live voting page."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tests.workshops.conftest import join

# (url name, method, takes pk)
RUN = ["go_to", "status", "timer", "reveal", "record", "choose", "experiment"]
READ = ["present", "summary"]


def as_who(who, request, workshop):
    if who == "anonymous":
        return Client()
    if who == "participant":
        client = Client()
        join(client, workshop)
        return client
    user = request.getfixturevalue(who)
    return client_for(Client(), user)


@pytest.fixture
def member_b_in_team_b(member_b, team_b):
    return member_b


EXPECTED_READ = {
    "facilitator": 200,
    "member_a": 200,
    "member_b_in_team_b": 404,
    "anonymous": 302,
    "participant": 302,
}
EXPECTED_RUN = {
    "facilitator": {200, 302},
    "member_a": {403},
    "member_b_in_team_b": {404},
    "anonymous": {302},
    "participant": {302},
}


@pytest.mark.parametrize("who", EXPECTED_READ)
@pytest.mark.parametrize("name", READ)
def test_reading_a_workshop(request, workshop, team_a, who, name):
    client = as_who(who, request, workshop)
    response = client.get(reverse(f"workshops:{name}", args=[workshop.pk]))
    assert response.status_code == EXPECTED_READ[who]
    if response.status_code == 302:
        assert "/accounts/login/" in response.url


@pytest.mark.parametrize("who", EXPECTED_RUN)
@pytest.mark.parametrize("name", RUN)
def test_changing_a_workshop(request, workshop, team_a, who, name):
    client = as_who(who, request, workshop)
    before = workshop.version
    response = client.post(reverse(f"workshops:{name}", args=[workshop.pk]), {"step": 1})
    assert response.status_code in EXPECTED_RUN[who]
    if who != "facilitator":
        workshop.refresh_from_db()
        assert workshop.version == before + (1 if who == "participant" else 0)  # the join


@pytest.mark.parametrize("who", ["member_a", "member_b_in_team_b", "anonymous", "participant"])
@pytest.mark.parametrize("name", ["list", "create"])
def test_only_facilitators_list_and_create(request, workshop, team_a, who, name):
    client = as_who(who, request, workshop)
    response = client.get(reverse(f"workshops:{name}"))
    assert response.status_code == (403 if who.startswith("member") else 302)


@pytest.mark.parametrize("who", ["member_a", "member_b_in_team_b", "anonymous", "facilitator"])
def test_live_page_needs_a_joined_code(request, workshop, team_a, who):
    client = as_who(who, request, workshop)
    live = client.get(reverse("workshops:live", args=[workshop.join_code]))
    assert live.status_code == 302
    assert live.url == reverse("workshops:join_code", args=[workshop.join_code])
    vote = client.post(reverse("workshops:vote", args=[workshop.join_code]), {"level": 3})
    assert vote.status_code == 302


def test_participant_gets_the_live_page_of_their_workshop_only(
    workshop, facilitator, rubric, team_b
):
    from tests.workshops.conftest import make_workshop

    other = make_workshop(team_b, facilitator, rubric)
    client = Client()
    join(client, workshop)
    assert client.get(reverse("workshops:live", args=[workshop.join_code])).status_code == 200
    assert client.get(reverse("workshops:live", args=[other.join_code])).status_code == 302


@pytest.mark.parametrize("who", ["member_a", "anonymous", "participant"])
def test_anyone_can_open_the_join_page(request, workshop, team_a, who):
    client = as_who(who, request, workshop)
    assert client.get(reverse("workshops:join")).status_code == 200
