"""Email the owner and team members of every experiment whose review is due.

Safe to run from cron every day: a ReviewReminder row per experiment per
review date records what was sent, so a second run the same day (or any day
before the review date changes) sends nothing. Moving the review date makes
a new reminder due on the new date. Every open experiment it does not remind
is named with the reason, so a quiet run can be told from a broken one.
"""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.refusals import ConfigurationError, InputError
from core.words import long_date, plural, possessive
from experiments.models import Experiment, ReviewReminder

log = logging.getLogger(__name__)


def recipients(experiment: Experiment) -> tuple[list[str], list[str]]:
    """The addresses to remind, and who cannot be reminded and why (no
    names: the reasons go to the job's log)."""
    members = [m.user for m in experiment.team.memberships.all() if m.user.is_active]
    people = members + ([experiment.owner] if experiment.owner_id else [])
    missing = []
    if experiment.owner_id and not experiment.owner.email:
        missing.append("the owner has no email address")
    elif not experiment.owner_id and experiment.owner_name:
        missing.append("the owner is named but has no account")
    without = sum(1 for m in members if not m.email and m.pk != experiment.owner_id)
    if without:
        missing.append(f"{plural(without, 'member')} {'has' if without == 1 else 'have'} none")
    return sorted({p.email for p in people if p.email and p.is_active}), missing


def describe(experiment: Experiment) -> str:
    return f"{possessive(experiment.team.name)} {experiment.area.name} experiment ({experiment.pk})"


def message_for(experiment: Experiment, to: str, base_url: str) -> EmailMessage:
    link = base_url.rstrip("/") + reverse("experiments:detail", args=[experiment.pk])
    when = (
        "today"
        if experiment.review_date == timezone.localdate()
        else f"on {long_date(experiment.review_date)}"
    )
    whose = f"{possessive(experiment.team.name)} {experiment.area.name} experiment"
    body = (
        f"{whose} was due for review {when}.\n\n"
        f"{experiment.hypothesis}\n\n"
        "Open it to add a progress note, record the result, or move the review date:\n"
        f"{link}\n"
    )
    return EmailMessage(
        subject=f"Review due: {whose}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )


class Command(BaseCommand):
    help = (
        "Email the owner and team members of experiments due for review. Idempotent: "
        "one reminder per experiment per review date, so run it daily from cron. "
        "Names every open experiment it did not remind, with the reason."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", dest="as_of", help="Act as if today were this date (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="The service's address, for the link in the email (default: SITE_URL).",
        )

    def handle(self, *args, as_of: str | None = None, base_url: str = "", **options) -> str:
        today = self._today(as_of)
        base_url = base_url or settings.SITE_URL
        if not base_url:
            raise ConfigurationError(
                "Set SITE_URL to the service's address (see docs/operators.md), "
                "or pass --base-url, so the emails link to the service."
            )
        open_experiments = (
            Experiment.objects.open()
            .select_related("team", "area", "owner")
            .prefetch_related("team__memberships__user", "reminders")
            .order_by("review_date", "pk")
        )
        reminded = emails_sent = not_reminded = unsent = 0
        connection = get_connection()
        for experiment in open_experiments:
            reason = ""
            earlier = next(
                (r for r in experiment.reminders.all() if r.due_date == experiment.review_date),
                None,
            )
            to, missing = recipients(experiment)
            if experiment.review_date > today:
                reason = f"its review is not due until {long_date(experiment.review_date)}"
            elif earlier:
                reason = f"already reminded on {long_date(earlier.sent_at)} for this review date"
            elif not to:
                reason = "nobody to send it to: " + "; ".join(
                    missing or ["the team has no members"]
                )
            else:
                try:
                    # The row and the emails stand or fall together: if sending
                    # fails, the reminder is not recorded and tomorrow's run retries.
                    with transaction.atomic():
                        ReviewReminder.objects.create(
                            experiment=experiment, due_date=experiment.review_date
                        )
                        connection.send_messages([message_for(experiment, a, base_url) for a in to])
                except IntegrityError:
                    reason = "another run reminded it at the same moment"
                except OSError as error:  # the relay, after core.mail's tries
                    unsent += 1
                    reason = f"the mail relay did not take it ({error}); the next run tries again"
                    log.error("Review reminder for %s not sent: %s", describe(experiment), error)
            if reason:
                not_reminded += 1
                self.stdout.write(f"Not reminded: {describe(experiment)}: {reason}.")
                continue
            reminded += 1
            emails_sent += len(to)
            also = f" ({'; '.join(missing)})" if missing else ""
            self.stdout.write(
                f"Reminded: {describe(experiment)}: {plural(len(to), 'email')}{also}."
            )
        summary = f"Sent {plural(emails_sent, 'email')} for {plural(reminded, 'experiment')}"
        if not_reminded:
            summary += f"; {plural(not_reminded, 'open experiment')} not reminded (reasons above)"
        if unsent:
            # A failed run, so cron or the systemd timer says so; the
            # reminders it could not send are not recorded, so are sent next time.
            raise CommandError(
                summary + f"; the mail relay did not take {plural(unsent, 'reminder')}."
            )
        return summary + "."

    def _today(self, value: str | None) -> date:
        if not value:
            return timezone.localdate()
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise InputError(f"--date must look like 2026-03-14, not {value!r}") from None
