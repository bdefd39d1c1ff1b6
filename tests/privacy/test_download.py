"""A person's download of what the service holds about them: everything the
privacy notice says is held about them, nothing about anyone else."""

import json
from datetime import date

import pytest
from axes.models import AccessLog
from django.urls import reverse

from audit.models import AuditEvent, Kind
from experiments.models import ProgressNote
from identity.models import OrganisationAccount
from tests.history.factories import make_closed_workshop
from tests.privacy.conftest import fill_room

pytestmark = pytest.mark.django_db


@pytest.fixture
def alex_and_a_colleague(rubric, team_a, member_a, facilitator):
    """Alex (member_a) and Fran (the facilitator) in one workshop of team A:
    both on phones, Alex signed in; Alex owns the experiment."""
    workshop = make_closed_workshop(team_a, facilitator, date(2026, 5, 4), [2, 3, 1, 4, 2])
    experiment = workshop.experiment
    experiment.owner = member_a
    experiment.save(update_fields=["owner"])
    ProgressNote.objects.create(experiment=experiment, author=member_a, text="ALEX-PROGRESS")
    ProgressNote.objects.create(experiment=experiment, author=facilitator, text="FRAN-PROGRESS")
    alex, other = fill_room(workshop, ["Alex on a phone", "SOMEONE-ELSE"], user=member_a)
    other.notes.update(text="SOMEONE-ELSES-NOTE")
    OrganisationAccount.objects.create(user=member_a, issuer="https://idp", subject="alex-sub")
    AccessLog.objects.create(username="alex", ip_address="10.9.9.9", user_agent="Firefox")
    AccessLog.objects.create(username="fran", ip_address="10.8.8.8", user_agent="FRAN-BROWSER")
    AuditEvent.objects.create(
        kind=Kind.ROLE_CHANGED, actor=facilitator, person=member_a, client="10.7.7.7"
    )
    return workshop


def test_the_download_holds_what_the_notice_says_and_nothing_about_anyone_else(
    alex_and_a_colleague, member_a_client, member_a
):
    response = member_a_client.get(reverse("privacy:download"))
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    text = response.content.decode()

    assert data["account"]["username"] == "alex"
    assert data["account"]["email"] == "alex@example.nhs.uk"
    assert [t["team"] for t in data["teams"]] == ["Team A"]
    assert data["organisation_sign_in"][0]["subject"] == "alex-sub"
    (phone,) = data["workshops_joined_signed_in"]
    assert phone["name_typed"] == "Alex on a phone"
    assert len(phone["votes"]) == len(alex_and_a_colleague.areas)
    assert phone["notes"][0]["text"] == "Note from phone 0"
    assert len(phone["dots"]) == 1
    assert len(data["experiments_owned"]) == 1
    assert [n["text"] for n in data["experiment_notes_written"]] == ["ALEX-PROGRESS"]
    assert data["sign_ins"][0]["address"] == "10.9.9.9"
    # The role change about Alex is there, without who made it or from where.
    (role_change,) = [e for e in data["audit_events"] if e["what"] == "Role changed"]
    assert role_change == {
        "at": role_change["at"],
        "what": "Role changed",
        "succeeded": True,
        "by_you": False,
    }

    for someone_else in (
        "SOMEONE-ELSE",
        "FRAN-PROGRESS",
        "FRAN-BROWSER",
        "10.8.8.8",
        "10.7.7.7",
        "fran@example.nhs.uk",
        "Fran",
    ):
        assert someone_else not in text, someone_else


def test_downloading_leaves_an_audit_event(member_a_client, member_a):
    member_a_client.get(reverse("privacy:download"))
    (event,) = AuditEvent.objects.filter(kind=Kind.DATA_DOWNLOADED)
    assert (event.actor, event.person) == (member_a, member_a)
