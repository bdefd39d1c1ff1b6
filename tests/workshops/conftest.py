"""Workshop factories and fixtures: a workshop for team A run by the facilitator,
and participants joined with its code."""

import pytest
from django.test import Client

from workshops.models import Participant, Workshop


def make_workshop(team, facilitator, model, **extra) -> Workshop:
    return Workshop.objects.create(
        team=team, facilitator=facilitator, model=model, rubric=model.snapshot(), **extra
    )


def join(client: Client, workshop: Workshop, name: str = "") -> Participant:
    """Join as a participant in `client`'s session, as a phone would."""
    response = client.post("/workshops/join/", {"code": workshop.join_code, "display_name": name})
    assert response.status_code == 302, response.content.decode()[:2000]
    token = client.session["workshop_participants"][workshop.join_code]
    return Participant.objects.get(token=token)


def area_id(workshop: Workshop, step: int) -> int:
    return workshop.area_for_step(step)["id"]


@pytest.fixture
def workshop(rubric, team_a, facilitator):
    return make_workshop(team_a, facilitator, rubric)


@pytest.fixture
def participant_client(workshop):
    client = Client()
    join(client, workshop, "Sam")
    return client
