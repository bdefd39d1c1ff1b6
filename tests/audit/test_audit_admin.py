"""Reading the audit trail: admins only, in the admin; filtered, exported
as CSV with nothing secret in it; and never changed or deleted, by any
URL or by the model itself."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.events import record
from audit.models import CSV_COLUMNS, AppendOnly, AuditEvent, Kind
from tests.audit.helpers import new_events
from tests.conftest import PASSWORD, make_user
from tests.history.factories import make_closed_workshop

CHANGELIST = reverse("admin:audit_auditevent_changelist")
EXPORT = reverse("admin:audit_export")


@pytest.fixture
def event(member_a):
    return record(Kind.TEAM_EXPORTED, actor=member_a, team="team-a", format="csv")


def rows(response) -> list[dict]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# Reading


def test_an_admin_reads_the_trail(admin_client_, event):
    page = admin_client_.get(CHANGELIST).content.decode()
    assert "Team data exported" in page
    assert "alex" in page
    assert EXPORT in page  # the link to export what the list shows
    assert 'href="/admin/audit/auditevent/add/"' not in page


@pytest.mark.parametrize("persona", ["member_a_client", "facilitator_client"])
def test_members_and_facilitators_cannot_read_the_trail_or_its_csv(request, persona, event):
    client = request.getfixturevalue(persona)
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    for url in (CHANGELIST, EXPORT, change):
        assert client.get(url).status_code == 403


def test_someone_signed_out_is_sent_to_sign_in(client, event):
    for url in (CHANGELIST, EXPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_the_view_permission_cannot_read_it(client, db, event):
    """Only admins: being staff is not enough."""
    client.force_login(make_user("sam", is_staff=True))
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_the_list_filters_by_kind_outcome_date_and_person(admin_client_, event, member_a, member_b):
    record(Kind.SIGN_IN_FAILED, person=member_b, succeeded=False, method="password")
    failed = admin_client_.get(CHANGELIST, {"succeeded__exact": "0"}).context["cl"]
    assert [e.kind for e in failed.result_list] == [Kind.SIGN_IN_FAILED]
    exported = admin_client_.get(CHANGELIST, {"kind__exact": Kind.TEAM_EXPORTED}).context["cl"]
    assert list(exported.result_list) == [event]
    bea = admin_client_.get(CHANGELIST, {"q": "bea"}).context["cl"]
    assert [e.person for e in bea.result_list] == [member_b]
    midnight = timezone.localtime(event.at).replace(hour=0, minute=0, second=0, microsecond=0)
    today = admin_client_.get(CHANGELIST, {"at__gte": midnight.isoformat()})
    assert event in today.context["cl"].result_list


def test_the_list_reads_in_a_fixed_number_of_queries(
    admin_client_, member_a, member_b, django_assert_max_num_queries
):
    people = [make_user(f"person{i}") for i in range(30)]
    for person in people:
        record(Kind.SIGN_IN, actor=person, person=person, method="password")
        record(Kind.ROLE_CHANGED, actor=member_a, person=person, source="admin")
    # The session, the admin, one count, and one page of events with their
    # actor and person joined (without them: two queries an event).
    with django_assert_max_num_queries(4):
        assert admin_client_.get(CHANGELIST).status_code == 200
    with django_assert_max_num_queries(4):
        assert admin_client_.get(CHANGELIST, {"q": "person1"}).status_code == 200


# Exporting


def test_the_csv_holds_the_listed_events_and_records_the_export(
    admin_client_, admin_user, event, member_b
):
    record(Kind.SIGN_IN_FAILED, person=member_b, succeeded=False, method="password")
    with new_events() as trail:
        response = admin_client_.get(EXPORT, {"kind__exact": Kind.TEAM_EXPORTED})

    assert response["Content-Disposition"] == 'attachment; filename="audit-trail.csv"'
    (row,) = rows(response)
    assert list(row) == CSV_COLUMNS
    assert row == {
        "at": event.at.isoformat(),
        "kind": "team-exported",
        "succeeded": "true",
        "actor": "alex",
        "person": "",
        "client": "",
        "detail": json.dumps({"format": "csv", "team": "team-a"}),
    }
    (exported,) = trail.events
    assert (exported.kind, exported.actor) == (Kind.AUDIT_EXPORTED, admin_user)
    assert exported.detail == {"rows": 1, "filters": "kind__exact=team-exported"}


def test_the_csv_holds_every_event_not_one_page(admin_client_, member_a):
    for _ in range(120):  # past the list's 100 a page
        record(Kind.SIGN_IN, actor=member_a, person=member_a, method="password")
    assert len(rows(admin_client_.get(EXPORT, {"q": "alex"}))) == 120


def test_the_csv_holds_no_password_and_no_note(
    client, admin_client_, member_a, team_a, facilitator, rubric
):
    """A wrong password, the right one, and an export of a team's record
    with notes in it: the CSV names the events, never what was typed."""
    make_closed_workshop(team_a, facilitator, date(2026, 1, 5), [3], notes="PRIVATE-NOTE")
    other = type(client)()
    other.post(reverse("login"), {"username": "alex", "password": "wrong-secret-guess"})
    other.post(reverse("login"), {"username": "alex", "password": PASSWORD})
    exported = other.get(reverse("teams:export_json", args=[team_a.slug])).content.decode()
    assert "PRIVATE-NOTE" in exported

    body = admin_client_.get(EXPORT).content.decode()
    assert "sign-in-failed" in body and "team-exported" in body
    for secret in (
        "wrong-secret-guess",
        PASSWORD,
        "PRIVATE-NOTE",
        other.cookies["sessionid"].value,
    ):
        assert secret not in body


def test_a_username_a_spreadsheet_would_run_is_quoted(admin_client_, db):
    odd = make_user("-2+3")
    record(Kind.SIGN_IN, actor=odd, person=odd, method="password")
    (row,) = rows(admin_client_.get(EXPORT, {"kind__exact": Kind.SIGN_IN, "q": "-2+3"}))
    assert row["actor"] == "'-2+3"


def test_bad_filters_are_refused_not_exported(admin_client_, event):
    with new_events() as trail:
        assert admin_client_.get(EXPORT, {"no_such_field": "x"}).status_code == 400
        assert admin_client_.get(EXPORT, {"actor__password": "x"}).status_code == 400
    assert trail.events == []


# Never changed, never deleted


def test_no_admin_url_changes_or_deletes_an_event(admin_client_, event):
    before = list(AuditEvent.objects.values())
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert admin_client_.post(change, {"kind": "sign-in", "succeeded": "on"}).status_code == 403
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 403
    assert admin_client_.get(delete).status_code == 403
    assert admin_client_.post(reverse("admin:audit_auditevent_add"), {}).status_code == 403
    # No bulk action either: the list offers none.
    response = admin_client_.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302)
    assert list(AuditEvent.objects.values()) == before


def test_the_change_page_only_shows(admin_client_, event):
    page = admin_client_.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


def test_an_event_cannot_be_saved_again_or_deleted(event):
    event.kind = Kind.SIGN_IN
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).kind == Kind.TEAM_EXPORTED


def test_the_trail_refuses_a_secret_by_name(db):
    with pytest.raises(ValueError):
        record(Kind.SIGN_IN, password="x")


def test_a_nul_from_outside_is_dropped_not_a_500(db):
    event = record(Kind.SIGN_IN_FAILED, succeeded=False, username="al\0ex", tried=["a\0"])
    event.refresh_from_db()
    assert event.detail == {"username": "alex", "tried": ["a"]}
