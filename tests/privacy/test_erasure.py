"""Erasing a person: their name goes from every page and export, the team's
record stays, attributed to a former member; refusals say why."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from audit.models import AuditEvent, Kind
from experiments.models import ProgressNote
from identity.backends import sign_in_account
from identity.models import OrganisationAccount
from teams.models import Membership
from tests.conftest import make_user
from tests.history.factories import make_closed_workshop
from tests.privacy.conftest import fill_room
from tests.threads import race, signed_in
from workshops.models import Workshop

ISSUER = "https://login.example.nhs.uk"


@pytest.fixture
def owen(db, team_a):
    """Owen Oakes: a member of team A who ran its workshop, joined it signed
    in on his phone, owns its experiment, wrote on it, and signs in through
    the organisation."""
    person = make_user("owen", first_name="Owen", last_name="Oakes")
    Membership.objects.create(team=team_a, user=person)
    OrganisationAccount.objects.create(user=person, issuer=ISSUER, subject="owen-sub")
    return person


@pytest.fixture
def owens_workshop(rubric, owen, team_a):
    workshop = make_closed_workshop(team_a, owen, date(2026, 5, 4), [2, 3, 1, 4, 2])
    experiment = workshop.experiment
    experiment.owner = owen
    experiment.save(update_fields=["owner"])
    ProgressNote.objects.create(experiment=experiment, author=owen, text="The first week went well")
    fill_room(workshop, ["Owen", "Pat"], user=owen)
    return workshop


def _team_pages(client, team, workshop):
    urls = [
        reverse("teams:detail", args=[team.slug]),
        reverse("teams:export_csv", args=[team.slug]),
        reverse("teams:export_json", args=[team.slug]),
        reverse("workshops:summary", args=[workshop.pk]),
        reverse("experiments:detail", args=[workshop.experiment.pk]),
    ]
    return "\n".join(client.get(url).content.decode() for url in urls)


def test_an_erased_person_leaves_no_name_and_the_team_keeps_its_record(
    owens_workshop, owen, team_a, admin_user, member_a, client
):
    client.force_login(member_a)
    before = _team_pages(client, team_a, owens_workshop)
    assert "Owen Oakes" in before

    admin = signed_in(admin_user)
    response = admin.post(reverse("privacy:erase", args=[owen.pk]))
    assert response.status_code == 302

    after = _team_pages(client, team_a, owens_workshop)
    for trace in ("Owen", "Oakes", "owen@example.nhs.uk", "owen"):
        assert trace not in after, trace
    assert "a former member" in after
    # The team's record is whole: the workshop, its scores, the experiment and its note.
    assert owens_workshop.scores.count() == 5
    assert "first week" in after

    owen.refresh_from_db()
    assert (owen.first_name, owen.last_name, owen.email) == ("a former member", "", "")
    assert not owen.is_active and not owen.has_usable_password()
    assert not Membership.objects.filter(user=owen).exists()
    assert not owens_workshop.participants.filter(user=owen).exists()
    assert not owens_workshop.participants.filter(display_name="Owen").exists()
    (event,) = AuditEvent.objects.filter(kind=Kind.ERASED)
    assert (event.actor, event.person) == (admin_user, owen)


def test_signing_in_again_through_the_organisation_starts_an_empty_account(
    owens_workshop, owen, admin_user
):
    signed_in(admin_user).post(reverse("privacy:erase", args=[owen.pk]))
    claims = {"iss": ISSUER, "sub": "owen-sub", "email": "owen@example.nhs.uk", "name": "Owen"}
    again = sign_in_account(claims)
    assert again.pk != owen.pk
    assert not again.teams.exists()
    assert not Workshop.objects.filter(facilitator=again).exists()


def test_someone_in_an_open_workshop_is_not_erased_and_the_admin_is_told_why(
    owens_workshop, owen, admin_user
):
    owens_workshop.status, owens_workshop.closed_at = "active", None
    owens_workshop.save(update_fields=["status", "closed_at"])
    response = signed_in(admin_user).post(reverse("privacy:erase", args=[owen.pk]))
    assert response.status_code == 200
    assert "is in a workshop that is still open" in response.content.decode()
    owen.refresh_from_db()
    assert owen.first_name == "Owen" and owen.is_active
    assert Membership.objects.filter(user=owen).exists()
    (event,) = AuditEvent.objects.filter(person=owen)
    assert (event.kind, event.succeeded) == (Kind.ERASURE_FAILED, False)


def test_the_second_admin_to_erase_someone_is_told_why_nothing_changed(
    owens_workshop, owen, admin_user
):
    other_admin = make_user("ola", first_name="Ola", is_superuser=True, is_staff=True)
    signed_in(admin_user).post(reverse("privacy:erase", args=[owen.pk]))
    response = signed_in(other_admin).post(reverse("privacy:erase", args=[owen.pk]))
    page = response.content.decode()
    assert "This person has been erased" in page
    assert "Nothing was changed" in page
    assert "This person has already been erased." in page
    assert "Another admin, Ada, erased them on" in page
    (refusal,) = AuditEvent.objects.filter(kind=Kind.ERASURE_FAILED)
    assert refusal.detail["reason"] == "This person has already been erased."


def test_an_admin_cannot_erase_themselves(admin_user):
    response = signed_in(admin_user).post(reverse("privacy:erase", args=[admin_user.pk]))
    assert "You cannot erase yourself" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_the_admin_page_of_a_person_offers_erasure(owen, admin_client_):
    page = admin_client_.get(reverse("admin:auth_user_change", args=[owen.pk])).content.decode()
    assert reverse("privacy:erase", args=[owen.pk]) in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
def test_two_admins_erasing_the_same_person_at_once(owens_workshop, owen, admin_user):
    other_admin = make_user("ola", is_superuser=True, is_staff=True)
    url = reverse("privacy:erase", args=[owen.pk])
    first, second = race([(signed_in(admin_user), url, {}), (signed_in(other_admin), url, {})])
    assert sorted([first.status_code, second.status_code]) == [200, 302]
    refused = first if first.status_code == 200 else second
    assert "This person has already been erased." in refused.content.decode()
    assert AuditEvent.objects.filter(kind=Kind.ERASED, person=owen).count() == 1
    assert AuditEvent.objects.filter(kind=Kind.ERASURE_FAILED, person=owen).count() == 1
    assert get_user_model().objects.filter(username=f"former-member-{owen.pk}").count() == 1
