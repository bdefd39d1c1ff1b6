"""Workshops in the admin: readable, not started or run from there, and no
individual votes on show."""

from django.urls import reverse

from tests.workshops.conftest import area_id, join


def test_admin_lists_and_opens_workshops_read_mostly(admin_client_, workshop, client):
    join(client, workshop, "Sam")
    workshop.go_to(1)
    workshop.record(area_id(workshop, 1), score=3, helps="pairing", holds_back="", revision=0)
    changelist = admin_client_.get(reverse("admin:workshops_workshop_changelist"))
    assert changelist.status_code == 200
    page = admin_client_.get(reverse("admin:workshops_workshop_change", args=[workshop.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "pairing" in body and "Sam" not in body
    add = admin_client_.get(reverse("admin:workshops_workshop_add"))
    assert add.status_code == 403


def test_sign_in_page_links_to_joining_a_workshop(client):
    body = client.get(reverse("login")).content.decode()
    assert reverse("workshops:join") in body
