"""The summary a group keeps: shown as "3 of 5" with the room's dots,
emailed to the group's members by the facilitator once the workshop closes,
and linked from a signed-in person's phone."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent, Kind
from tests.conftest import client_for, make_user
from tests.workshops.conftest import area_id, join
from workshops.models import Participant, Workshop

SITE = "https://maturity.example.nhs.uk"


@pytest.fixture
def closed(workshop, team_a):
    """Team A's workshop, scored on its first area, chosen and closed; team A
    has alex (with an email address) and two members without one."""
    for name in ("kit", "sam"):
        team_a.memberships.create(user=make_user(name, email="", first_name=name.title()))
    workshop.record(area_id(workshop, 1), score=3, helps="", holds_back="", revision=0)
    workshop.go_to(workshop.choose_step)
    workshop.choose(area_id(workshop, 1))
    workshop.set_status(Workshop.Status.CLOSED)
    return workshop


def send(client, workshop, sent=""):
    return client.post(reverse("workshops:send_summary", args=[workshop.pk]), {"sent": sent})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_the_facilitator_emails_the_summary_to_the_members_with_a_link(
    facilitator_client, closed, settings
):
    settings.SITE_URL = SITE
    response = send(facilitator_client, closed)
    assert response.status_code == 302
    assert response["Location"] == reverse("workshops:summary", args=[closed.pk])
    assert [m.to for m in mail.outbox] == [["alex@example.nhs.uk"]]
    email = mail.outbox[0]
    assert email.subject == f"Workshop summary: Team A, {closed.held_on.day} {closed.held_on:%B %Y}"
    assert f"{SITE}/workshops/{closed.pk}/summary/" in email.body
    assert f"The team chose {closed.areas[0]['name']}." in email.body
    assert messages_of(response) == [
        "Sent to 1 member.",
        "Not sent to Kit and Sam: no email address. An admin can add one.",
    ]
    event = AuditEvent.objects.get(kind=Kind.SUMMARY_SENT)
    assert event.actor.username == "fran"
    assert event.detail == {
        "workshop": closed.pk,
        "team": "team-a",
        "sent": 1,
        "without_email": 2,
    }
    page = facilitator_client.get(response["Location"]).content.decode()
    assert "Sent to the team's members on " in page and "Send it again" in page


def test_without_a_site_address_the_link_is_the_one_the_facilitator_uses(
    facilitator_client, closed, settings
):
    settings.SITE_URL = ""
    send(facilitator_client, closed)
    assert f"http://testserver/workshops/{closed.pk}/summary/" in mail.outbox[0].body


def test_a_double_click_sends_the_summary_once(facilitator_client, closed):
    send(facilitator_client, closed)
    again = send(facilitator_client, closed)  # the same page, clicked twice
    assert len(mail.outbox) == 1
    assert messages_of(again)[-1] == "The summary has just been sent. It was not sent again."
    closed.refresh_from_db()
    # Sending again on purpose, from the page that says it was sent, works.
    send(facilitator_client, closed, sent=closed.summary_sent_at.isoformat())
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(kind=Kind.SUMMARY_SENT).count() == 2


def test_an_open_workshop_summary_is_not_sent(facilitator_client, workshop):
    response = send(facilitator_client, workshop)
    assert messages_of(response) == [
        "Close the workshop before sending its summary: until then it can still change."
    ]
    assert mail.outbox == [] and not AuditEvent.objects.filter(kind=Kind.SUMMARY_SENT).exists()
    page = facilitator_client.get(reverse("workshops:summary", args=[workshop.pk]))
    assert "Email the summary" not in page.content.decode()


def test_a_group_nobody_can_be_emailed_is_told_so_and_nothing_is_recorded(
    facilitator_client, closed, member_a
):
    member_a.email = ""
    member_a.save()
    response = send(facilitator_client, closed)
    assert messages_of(response) == [
        "Nobody was sent the summary: no member of Team A has an email address."
        " An admin can add one to each person."
    ]
    closed.refresh_from_db()
    assert mail.outbox == [] and closed.summary_sent_at is None


def test_a_mail_server_that_does_not_answer_sends_nothing_and_records_nothing(
    facilitator_client, closed, monkeypatch
):
    from django.core.mail.backends.locmem import EmailBackend

    def down(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", down)
    response = send(facilitator_client, closed)
    assert response.status_code == 302
    assert "the email service did not answer" in messages_of(response)[0]
    closed.refresh_from_db()
    assert closed.summary_sent_at is None
    assert not AuditEvent.objects.filter(kind=Kind.SUMMARY_SENT).exists()


def test_only_the_facilitator_and_admins_send_it(client, closed, member_a, member_b):
    assert send(client_for(client, member_a), closed).status_code == 403
    assert send(client_for(Client(), member_b), closed).status_code == 404
    assert Client().get(reverse("workshops:send_summary", args=[closed.pk])).status_code == 405
    assert mail.outbox == []


def test_the_summary_shows_each_level_out_of_the_scale_and_the_room_dots(
    facilitator_client, workshop
):
    top = workshop.highest_level
    workshop.record(area_id(workshop, 1), score=top, helps="", holds_back="", revision=0)
    workshop.go_to(workshop.choose_step)
    phone = Participant.objects.create(workshop=workshop)
    workshop.place_dot(phone, area_id(workshop, 1))
    workshop.place_dot(phone, area_id(workshop, 1))
    page = facilitator_client.get(reverse("workshops:summary", args=[workshop.pk]))
    text = page.content.decode()
    assert re.search(rf'app-score-card__score">{top} of {top}<', text)
    tally = text.split('aria-label="Dots per area"', 1)[1].split("</ol>", 1)[0]
    assert re.search(rf"{re.escape(workshop.areas[0]['name'])}</span>.*?2 dots<", tally, re.S)
    assert "0 dots" in tally


def test_a_signed_in_member_phone_links_to_the_summary_once_closed(closed, member_a):
    phone = client_for(Client(), member_a)
    closed.status = Workshop.Status.ACTIVE  # join while it is open
    closed.save(update_fields=["status"])
    join(phone, closed)
    closed.set_status(Workshop.Status.CLOSED)
    page = phone.get(reverse("workshops:live", args=[closed.join_code])).content.decode()
    summary = reverse("workshops:summary", args=[closed.pk])
    assert f'href="{summary}">Read the workshop\'s summary</a>' in page


def test_an_anonymous_phone_is_told_the_summary_goes_by_email(closed):
    phone = Client()
    closed.status = Workshop.Status.ACTIVE
    closed.save(update_fields=["status"])
    join(phone, closed)
    closed.set_status(Workshop.Status.CLOSED)
    page = phone.get(reverse("workshops:live", args=[closed.join_code])).content.decode()
    assert "The summary goes to the team's members by email" in page
    assert reverse("workshops:summary", args=[closed.pk]) not in page
