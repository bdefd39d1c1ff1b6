"""Email the owner and team members of every experiment whose review is due.

Safe to run from cron every day: a ReviewReminder row per experiment per
review date records what was sent, so a second run the same day (or any day
before the review date changes) sends nothing. Moving the review date makes
a new reminder due on the new date.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from experiments.models import Experiment, ReviewReminder


def recipients(experiment: Experiment) -> list[str]:
    people = [m.user for m in experiment.team.memberships.all()]
    if experiment.owner_id:
        people.append(experiment.owner)
    return sorted({p.email for p in people if p.email and p.is_active})


def message_for(experiment: Experiment, to: str, base_url: str) -> EmailMessage:
    link = base_url.rstrip("/") + reverse("experiments:detail", args=[experiment.pk])
    when = (
        "today"
        if experiment.review_date == timezone.localdate()
        else (f"on {experiment.review_date:%-d %B %Y}")
    )
    body = (
        f"{experiment.team.name}'s {experiment.area.name} experiment was due for review {when}.\n\n"
        f"{experiment.hypothesis}\n\n"
        "Open it to add a progress note, record the result, or move the review date:\n"
        f"{link}\n"
    )
    return EmailMessage(
        subject=f"Review due: {experiment.team.name}'s {experiment.area.name} experiment",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )


class Command(BaseCommand):
    help = (
        "Email the owner and team members of experiments due for review. Idempotent: "
        "one reminder per experiment per review date, so run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", dest="as_of", help="Act as if today were this date (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="The service's address, for the link in the email.",
        )

    def handle(self, *args, as_of: str | None = None, base_url: str, **options) -> str:
        today = self._today(as_of)
        due = (
            Experiment.objects.due_for_review(today)
            .exclude(reminders__due_date=F("review_date"))
            .select_related("team", "area", "owner")
            .prefetch_related("team__memberships__user")
        )
        experiments_sent = emails_sent = 0
        connection = get_connection()
        for experiment in due:
            to = recipients(experiment)
            try:
                # The row and the emails stand or fall together: if sending
                # fails, the reminder is not recorded and tomorrow's run retries.
                with transaction.atomic():
                    ReviewReminder.objects.create(
                        experiment=experiment, due_date=experiment.review_date
                    )
                    connection.send_messages([message_for(experiment, a, base_url) for a in to])
            except IntegrityError:
                continue  # another run got there first
            experiments_sent += 1
            emails_sent += len(to)
        return f"Sent {emails_sent} emails for {experiments_sent} experiments due for review."

    def _today(self, value: str | None) -> date:
        if not value:
            return timezone.localdate()
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--date must look like 2026-03-14, not {value!r}") from None
