"""`manage.py send_review_reminders`: once per experiment per review date."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from experiments.models import ReviewReminder
from tests.conftest import make_user
from tests.history.factories import make_experiment


@pytest.fixture
def due(rubric, team_a, member_a):
    owner = make_user("owen")
    team_a.memberships.create(user=make_user("casey"))
    return make_experiment(team_a, status="running", owner=owner, review_date=timezone.localdate())


def run(**options):
    return call_command("send_review_reminders", **options)


def test_emails_the_owner_and_team_members_once(due):
    summary = run()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "alex@example.nhs.uk",
        "casey@example.nhs.uk",
        "owen@example.nhs.uk",
    ]
    assert "Review due" in mail.outbox[0].subject
    assert f"/experiments/{due.pk}/" in mail.outbox[0].body
    assert "Sent 3 emails for 1 experiments" in summary
    run()
    run()
    assert len(mail.outbox) == 3
    assert ReviewReminder.objects.filter(experiment=due).count() == 1


def test_a_new_review_date_gets_its_own_reminder(due, member_a):
    run()
    later = timezone.localdate() + timedelta(days=7)
    due.change_review_date(later, "Need more time", member_a)
    run()
    assert len(mail.outbox) == 3
    run(as_of=later.isoformat())
    assert len(mail.outbox) == 6
    assert ReviewReminder.objects.filter(experiment=due).count() == 2


def test_overdue_experiments_not_yet_reminded_are_reminded(rubric, team_a):
    make_experiment(team_a, review_date=timezone.localdate() - timedelta(days=3))
    run()
    assert len(mail.outbox) == 1


def test_not_due_finished_and_stopped_experiments_are_left_alone(rubric, team_a):
    make_experiment(team_a, review_date=timezone.localdate() + timedelta(days=1))
    make_experiment(team_a, status="finished", review_date=timezone.localdate())
    make_experiment(team_a, status="stopped", review_date=timezone.localdate())
    run()
    assert mail.outbox == []
    assert not ReviewReminder.objects.exists()


def test_a_failed_send_is_retried_next_run(due, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def broken(self, messages):
        raise OSError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", broken)
    with pytest.raises(OSError):
        run()
    assert not ReviewReminder.objects.exists()
    monkeypatch.undo()
    run()
    assert len(mail.outbox) == 3


def test_a_bad_date_is_refused(db):
    with pytest.raises(CommandError, match="--date"):
        run(as_of="tomorrow")
