"""Roles come with the signed-in person: one query, not one more on every page."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def test_the_header_reads_the_roles_with_the_person(facilitator_client):
    with CaptureQueriesContext(connection) as queries:
        page = facilitator_client.get(reverse("home"))
    assert page.status_code == 200
    assert 'href="/workshops/"' in page.content.decode()  # the facilitator's menu item
    assert not [q for q in queries if 'FROM "auth_group"' in q["sql"].split(" WHERE ")[0]]


def test_a_member_has_no_facilitators_menu(member_a_client):
    assert 'href="/workshops/"' not in member_a_client.get(reverse("home")).content.decode()
