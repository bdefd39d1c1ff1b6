"""One object of each kind and a client per persona, for the security and page tests."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.security.matrix import PERSONAS


def join_as_participant(client: Client, workshop) -> None:
    """Make `client` a participant of `workshop`, the way a phone does: the
    join form (workshops/forms.py JoinForm) with the code from the screen."""
    url = reverse("workshops:join")
    response = client.post(url, {"code": workshop.join_code, "display_name": "Phone"})
    live = reverse("workshops:live", args=[workshop.join_code])
    ahead = reverse("workshops:ahead", args=[workshop.join_code])  # open for scoring ahead
    assert response.status_code == 302 and response["Location"] in (live, ahead), (
        f"joining {workshop.join_code} failed"
    )


@pytest.fixture(name="world")
def world_fixture(rubric, facilitator, member_a, member_b, admin_user, team_a, team_b):
    """One object of each kind, belonging to team A (team B is the outsider)."""
    from audit.events import record
    from audit.models import Kind
    from experiments.models import Experiment
    from playbook.models import Entry
    from tests.playbook.factories import make_entry, make_experiment
    from workshops.models import AreaScore, Participant, Vote, Workshop

    area = rubric.areas.order_by("order").first()
    workshop_a = Workshop.objects.create(
        team=team_a, facilitator=facilitator, model=rubric, rubric=rubric.snapshot()
    )
    AreaScore.objects.create(workshop=workshop_a, area=area, score=3, helps="Pairing")
    participant_a = Participant.objects.create(workshop=workshop_a, display_name="Phone")
    Vote.objects.create(workshop=workshop_a, participant=participant_a, area=area, level=3)
    experiment_a = Experiment.objects.create(
        team=team_a,
        workshop=workshop_a,
        area=area,
        change="weekly show and tells",
        outcome="fewer surprises",
        signal="stakeholders come",
        review_date=timezone.localdate() + timedelta(weeks=4),
        owner=member_a,
    )
    running_a = make_experiment(
        team_a,
        area_key=area.key,
        finished=False,
        status=Experiment.Status.RUNNING,
        started_on=timezone.localdate() - timedelta(weeks=2),
    )
    # Team A's finished experiment with a draft entry (publish, preview) and
    # a published entry from another of its finished experiments (entry,
    # start your own, withdraw).
    finished_a = make_experiment(team_a, area_key=area.key)
    draft_a = make_entry(
        team_a, title="Pairing on every story", experiment=finished_a, status=Entry.Status.DRAFT
    )
    entry = make_entry(team_a, area_key=area.key)
    unpublished_a = make_experiment(team_a, area_key=area.key)  # finished, no entry yet
    event = record(Kind.SIGN_IN, actor=member_a, person=member_a, method="password")
    return SimpleNamespace(
        rubric=rubric,
        area=area,
        team_a=team_a,
        team_b=team_b,
        workshop_a=workshop_a,
        participant_a=participant_a,
        experiment_a=experiment_a,
        running_a=running_a,
        finished_a=finished_a,
        draft_a=draft_a,
        unpublished_a=unpublished_a,
        entry=entry,
        event=event,
        facilitator=facilitator,
        member_a=member_a,
        member_b=member_b,
        admin_user=admin_user,
        reset_uid=urlsafe_base64_encode(force_bytes(member_a.pk)),
    )


def persona_client(name: str, world) -> Client:
    client = Client()
    users = {
        "member_a": world.member_a,
        "member_b": world.member_b,
        "facilitator": world.facilitator,
        "admin": world.admin_user,
    }
    if name in users:
        client.force_login(users[name])
    elif name == "participant":
        join_as_participant(client, world.workshop_a)
    return client


@pytest.fixture(name="personas")
def personas_fixture(world) -> dict[str, Client]:
    return {name: persona_client(name, world) for name in PERSONAS}
