"""Erasure forgets everywhere: a person who did everything the service
records (signed in and failed to, joined a workshop and voted, facilitated
one, owned its experiment, was refused erasure, was changed in the admin)
is erased, and then no page, export or table holds their name, username or
email. Runs on SQLite and, in CI, on PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse

from audit.models import AuditEvent, Kind
from identity.models import OrganisationAccount
from teams.models import Membership
from tests.audit.helpers import form_data
from tests.conftest import PASSWORD, make_user
from tests.history.factories import make_closed_workshop
from tests.threads import signed_in
from tests.workshops.conftest import area_id, join, make_workshop

IDENTIFIERS = (
    "oakesworth.o",  # username
    "owenna.oakesworth@example.nhs.uk",  # email
    "Owenna",  # first name, also typed on her phone
    "Oakesworth",  # last name
)


@pytest.fixture
def owenna(db, team_a):
    person = make_user(
        "oakesworth.o",
        first_name="Owenna",
        last_name="Oakesworth",
        email="owenna.oakesworth@example.nhs.uk",
    )
    Membership.objects.create(team=team_a, user=person)
    OrganisationAccount.objects.create(
        user=person, issuer="https://login.example.nhs.uk", subject="owenna-sub"
    )
    return person


def _everything(owenna, team_a, team_b, rubric, admin_client: Client):
    """What Owenna did, through the pages she and the admins use."""
    her = Client()
    her.post(reverse("login"), {"username": "oakesworth.o", "password": "not-her-password"})
    her.post(reverse("login"), {"username": owenna.email, "password": "not-her-password"})
    her.post(reverse("login"), {"username": "oakesworth.o", "password": PASSWORD})
    her.post(reverse("logout"))
    her.force_login(owenna)

    ran = make_closed_workshop(team_a, owenna, date(2026, 5, 4), [2, 3, 1, 4, 2])
    ran.experiment.owner = owenna
    ran.experiment.save(update_fields=["owner"])

    live = make_workshop(team_a, make_user("fay"), rubric)
    live.go_to(1)
    join(her, live, "Owenna")
    vote = her.post(
        reverse("workshops:vote", args=[live.join_code]), {"area": area_id(live, 1), "level": 3}
    )
    assert vote.status_code == 302

    change = reverse("admin:auth_user_change", args=[owenna.pk])
    data = form_data(admin_client.get(change)) | {"first_name": "Owenna", "last_name": "Oakesworth"}
    data["email"] = "OWENNA.OAKESWORTH@example.nhs.uk"
    assert admin_client.post(change, data).status_code == 302
    team = reverse("admin:teams_team_change", args=[team_b.pk])
    data = form_data(admin_client.get(team)) | {"memberships-1-user": str(owenna.pk)}
    assert admin_client.post(team, data).status_code == 302

    refused = admin_client.post(reverse("privacy:erase", args=[owenna.pk]))
    assert "still open" in refused.content.decode()
    live.set_status(live.Status.CLOSED)
    return ran


def _pages(admin_client: Client, member: Client, owenna, team_a, ran) -> dict[str, str]:
    """Every page and export that could show a person, as admins and the team see them."""
    urls = [reverse("admin:index"), reverse("admin:audit_export")]
    for model in admin.site._registry:
        meta = model._meta
        try:
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        except NoReverseMatch:
            continue
    urls += [
        reverse("admin:auth_user_change", args=[owenna.pk]),
        reverse("admin:auth_user_history", args=[owenna.pk]),
        reverse("admin:teams_team_history", args=[team_a.pk]),
        reverse("privacy:erase", args=[owenna.pk]),
    ]
    urls += [
        reverse("admin:audit_auditevent_change", args=[pk])
        for pk in AuditEvent.objects.values_list("pk", flat=True)
    ]
    pages = {url: admin_client.get(url) for url in urls}
    for url in (
        reverse("teams:detail", args=[team_a.slug]),
        reverse("teams:export_csv", args=[team_a.slug]),
        reverse("teams:export_json", args=[team_a.slug]),
        reverse("workshops:summary", args=[ran.pk]),
        reverse("experiments:detail", args=[ran.experiment.pk]),
        reverse("playbook:list"),
    ):
        pages[url] = member.get(url)
    for url, response in pages.items():
        assert response.status_code == 200, url
    return {url: response.content.decode() for url, response in pages.items()}


def _tables() -> dict[str, str]:
    """Every row of every table in the database, as text."""
    text = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            text[table] = "\n".join(" ".join(str(cell) for cell in row) for row in cursor)
    return text


def test_an_erased_person_is_nowhere_but_their_teams_record_stays(
    owenna, team_a, team_b, rubric, admin_user, member_a
):
    admin_client = signed_in(admin_user)
    member = signed_in(member_a)
    ran = _everything(owenna, team_a, team_b, rubric, admin_client)
    before = {**_pages(admin_client, member, owenna, team_a, ran), **_tables()}
    for identifier in IDENTIFIERS:
        assert any(identifier.lower() in text.lower() for text in before.values()), identifier

    assert admin_client.post(reverse("privacy:erase", args=[owenna.pk])).status_code == 302

    after = {**_pages(admin_client, member, owenna, team_a, ran), **_tables()}
    found = [
        f"{identifier!r} in {where}"
        for where, text in after.items()
        for identifier in IDENTIFIERS
        if identifier.lower() in text.lower()
    ]
    assert not found, "\n".join(found)

    # What happened is still there: each event's kind, time and outcome,
    # pointing at the pseudonym; the team's workshop and its scores.
    events = AuditEvent.objects.filter(person=owenna)
    kinds = {(e.kind, e.succeeded) for e in events}
    assert {
        (Kind.SIGN_IN, True),
        (Kind.SIGN_IN_FAILED, False),
        (Kind.PERSON_CHANGED, True),
        (Kind.MEMBERSHIP_CHANGED, True),
        (Kind.ERASURE_FAILED, False),
        (Kind.ERASED, True),
    } <= kinds
    typed_email = AuditEvent.objects.get(kind=Kind.SIGN_IN_FAILED, detail__has_key="username")
    assert typed_email.person == owenna
    assert typed_email.detail["username"] == f"former-member-{owenna.pk}"
    assert LogEntry.objects.filter(object_repr=f"former-member-{owenna.pk}").exists()
    assert ran.scores.count() == 5
