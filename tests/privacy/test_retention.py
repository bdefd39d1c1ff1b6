"""Retention: exactly what is past its time changes, and the team's record
reads as before."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessLog
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, Kind
from privacy import retention
from workshops.models import Dot, FailedJoin, Note, Participant, Vote, Workshop

pytestmark = pytest.mark.django_db

# What differs between two draws of the same page: the CSRF token (masked
# afresh each time), the scripts' nonce and an export's time.
_UNIQUE = re.compile(
    r'(?<=csrfmiddlewaretoken" value=")[^"]+|(?<=X-CSRFToken": ")[^"]+'
    r'|(?<=nonce=")[^"]+|(?<="exported_at": ")[^"]+'
)


def _record_pages(client, team, workshops):
    """The pages that show a team's past workshops, as text."""
    urls = [
        reverse("teams:detail", args=[team.slug]),
        reverse("teams:export_csv", args=[team.slug]),
        reverse("teams:export_json", args=[team.slug]),
        *(reverse("workshops:summary", args=[w.pk]) for w in workshops),
    ]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = _UNIQUE.sub("", response.content.decode())
    return pages


def _linked(workshop):
    return (
        Vote.objects.filter(workshop=workshop, participant__isnull=False).count()
        + Note.objects.filter(workshop=workshop, participant__isnull=False).count()
        + Dot.objects.filter(workshop=workshop, participant__isnull=False).count()
    )


def test_only_what_is_past_its_time_changes_and_the_record_reads_the_same(
    either_side, team_a, facilitator, member_a, client
):
    old, recent, open_ = either_side
    client.force_login(facilitator)
    before = _record_pages(client, team_a, either_side)
    counts_before = {
        w.pk: (Vote.objects.filter(workshop=w).count(), Note.objects.filter(workshop=w).count())
        for w in either_side
    }

    now = timezone.now()
    for days in (91, 89):
        FailedJoin.objects.create(client=f"10.0.0.{days}", window_start=now - timedelta(days=days))
        log = AccessLog.objects.create(username="alex", ip_address="10.1.1.1", user_agent="x")
        AccessLog.objects.filter(pk=log.pk).update(attempt_time=now - timedelta(days=days))
    for days in (731, 729):
        AuditEvent.objects.create(kind=Kind.SIGN_IN, at=now - timedelta(days=days))

    assert retention.apply() == {
        "closed": 0,
        "workshops": 1,
        "failed_joins": 1,
        "sign_ins": 1,
        "audit_events": 1,
    }

    # The old workshop's phones: no names, no account, no link to what they gave.
    assert set(Participant.objects.filter(workshop=old).values_list("display_name", "user")) == {
        ("", None)
    }
    assert _linked(old) == 0
    # The newer closed one and the open one are untouched.
    for workshop, prefix in ((recent, "Recent"), (open_, "Open")):
        names = set(
            Participant.objects.filter(workshop=workshop).values_list("display_name", flat=True)
        )
        assert names == {f"{prefix}Ann", f"{prefix}Bob", f"{prefix}Cat"}
        assert Participant.objects.filter(workshop=workshop, user=member_a).exists()
        assert _linked(workshop) == 3 * (len(workshop.areas) + 2)
    assert list(FailedJoin.objects.values_list("client", flat=True)) == ["10.0.0.89"]
    assert AccessLog.objects.filter(ip_address="10.1.1.1").count() == 1
    assert AuditEvent.objects.filter(at__lt=now - timedelta(days=700)).count() == 1

    # Nothing of the team's record is lost: every vote and note is still
    # there, and every page that shows a past workshop reads the same.
    assert counts_before == {
        w.pk: (Vote.objects.filter(workshop=w).count(), Note.objects.filter(workshop=w).count())
        for w in either_side
    }
    assert Participant.objects.filter(workshop=old).count() == 3
    assert _record_pages(client, team_a, either_side) == before

    # A second run has nothing left to do.
    assert retention.apply() == dict.fromkeys(
        ["closed", "workshops", "failed_joins", "sign_ins", "audit_events"], 0
    )


def test_the_limits_come_from_the_settings(either_side, settings):
    old, recent, _ = either_side
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "phones": 28}
    assert retention.apply()["workshops"] == 2
    assert _linked(recent) == 0


def test_an_open_workshop_keeps_its_phones_however_old(either_side):
    _, _, open_ = either_side
    assert open_.forget_phones() is False
    assert _linked(open_) > 0


def test_the_command_says_what_it_did_and_leaves_one_audit_event(either_side, capsys):
    call_command("apply_retention", batch=1)
    said = capsys.readouterr().out
    assert "forgot the phones of 1 closed workshop (older than 30 days)" in said
    (event,) = AuditEvent.objects.filter(kind=Kind.RETENTION_RUN)
    assert event.actor is None
    assert event.detail["workshops"] == 1
    assert Workshop.objects.filter(phones_forgotten_at__isnull=False).count() == 1


def _age(workshop, days):
    """Everything in the workshop happened `days` ago."""
    then = timezone.now() - timedelta(days=days)
    Workshop.objects.filter(pk=workshop.pk).update(created_at=then, updated_at=then)
    for model, field in ((Vote, "updated_at"), (Note, "updated_at"), (Dot, "created_at")):
        model.objects.filter(workshop=workshop).update(**{field: then})
    Participant.objects.filter(workshop=workshop).update(joined_at=then)
    workshop.scores.update(updated_at=then)


def test_a_workshop_left_open_is_closed_and_its_names_go_30_days_later(
    either_side, facilitator, client
):
    _, _, open_ = either_side
    _age(open_, 6)
    assert retention.apply()["closed"] == 0  # 6 days idle is not yet left open
    _age(open_, 8)
    assert retention.apply()["closed"] == 1

    open_.refresh_from_db()
    assert open_.is_closed and open_.closed_automatically
    (event,) = AuditEvent.objects.filter(kind=Kind.WORKSHOP_CLOSED)
    assert event.actor is None
    assert event.detail == {
        "source": "retention",
        "workshop": open_.pk,
        "team": open_.team.slug,
        "idle_days": 7,
    }
    client.force_login(facilitator)
    summary = client.get(reverse("workshops:summary", args=[open_.pk])).content.decode()
    assert "Nobody closed this workshop, so the service closed it on" in summary

    # Its names now follow the normal period: kept 29 days, gone after 30.
    retention.apply(now=timezone.now() + timedelta(days=29))
    assert _linked(open_) > 0
    retention.apply(now=timezone.now() + timedelta(days=31))
    assert _linked(open_) == 0
    assert set(Participant.objects.filter(workshop=open_).values_list("display_name", "user")) == {
        ("", None)
    }


def test_a_workshop_with_a_recent_vote_or_a_later_date_is_not_left_open(
    either_side, facilitator, settings
):
    _, _, open_ = either_side
    _age(open_, 30)
    Vote.objects.filter(workshop=open_).update(updated_at=timezone.now() - timedelta(days=2))
    settings.AUTO_CLOSE_DAYS = 7
    assert retention.apply()["closed"] == 0
    _age(open_, 30)
    open_.held_on = timezone.localdate() + timedelta(days=3)  # set up for a later date
    open_.save(update_fields=["held_on"])
    Workshop.objects.filter(pk=open_.pk).update(updated_at=timezone.now() - timedelta(days=30))
    assert retention.apply()["closed"] == 0
    open_.refresh_from_db()
    assert not open_.is_closed


def test_the_notice_quotes_the_days_a_workshop_may_be_left_open(client, settings):
    settings.AUTO_CLOSE_DAYS = 10
    page = client.get(reverse("privacy:notice")).content.decode()
    assert "a workshop left open with no activity for 10 days is closed by the service" in page
