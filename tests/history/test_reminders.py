"""`manage.py send_review_reminders`: once per experiment per review date."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from experiments.models import ReviewReminder
from tests.conftest import make_team, make_user
from tests.history.factories import make_experiment

SITE = "https://maturity.example.nhs.uk"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


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
    assert f"{SITE}/experiments/{due.pk}/" in mail.outbox[0].body
    assert summary == "Sent 3 emails for 1 experiment."
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
    with pytest.raises(CommandError, match="the mail relay did not take 1 reminder"):
        run()
    assert not ReviewReminder.objects.exists()
    monkeypatch.undo()
    run()
    assert len(mail.outbox) == 3


def test_a_bad_date_is_refused(db):
    with pytest.raises(CommandError, match="--date"):
        run(as_of="tomorrow")


def test_the_link_comes_from_base_url_when_given(due):
    run(base_url="https://other.example.nhs.uk/")
    assert f"https://other.example.nhs.uk/experiments/{due.pk}/" in mail.outbox[0].body


def test_without_a_site_address_nothing_is_sent_and_the_command_says_why(due, settings):
    settings.SITE_URL = ""
    with pytest.raises(CommandError, match="Set SITE_URL"):
        run()
    assert mail.outbox == []
    assert not ReviewReminder.objects.exists()


def run_and_read(**options) -> tuple[str, list[str]]:
    out = StringIO()
    summary = call_command("send_review_reminders", stdout=out, **options)
    return summary, out.getvalue().splitlines()


def test_every_open_experiment_not_reminded_is_named_with_its_reason(rubric, member_a):
    today = timezone.localdate()
    # The name ends in s: "Repeat Prescriptions' ... experiment".
    prescriptions = make_team("Repeat Prescriptions", member_a)
    sent = make_experiment(prescriptions, review_date=today)
    later = make_experiment(prescriptions, review_date=today + timedelta(days=9))
    nobody = make_team("Trust Board", make_user("sam", email=""), kind="board")
    unreachable = make_experiment(nobody, review_date=today, owner_name="Sam")
    make_experiment(prescriptions, status="finished", review_date=today)
    run()
    fresh = make_experiment(prescriptions, review_date=today)
    mail.outbox.clear()

    summary, lines = run_and_read()

    assert (
        summary == "Sent 1 email for 1 experiment; 3 open experiments not reminded (reasons above)."
    )
    assert [m.to for m in mail.outbox] == [["alex@example.nhs.uk"]]
    assert (
        f"Reminded: Repeat Prescriptions' {fresh.area.name} experiment ({fresh.pk}): 1 email."
        in lines
    )
    text = "\n".join(lines)
    ours = f"Repeat Prescriptions' {sent.area.name} experiment"
    assert f"Not reminded: {ours} ({later.pk}): its review is not due until " in text
    assert f"Not reminded: {ours} ({sent.pk}): already reminded on " in text
    assert (
        f"Not reminded: Trust Board's {sent.area.name} experiment ({unreachable.pk}): nobody to"
        " send it to: the owner is named but has no account; 1 member has none."
    ) in lines
    assert "Repeat Prescriptions's" not in "\n".join(lines) + mail.outbox[0].subject
    assert (
        mail.outbox[0].subject == f"Review due: Repeat Prescriptions' {sent.area.name} experiment"
    )
    # Nobody could be told, so nothing records it as reminded: it is tried again.
    assert not ReviewReminder.objects.filter(experiment=unreachable).exists()
