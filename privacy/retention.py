"""Retention: data about people is kept only as long as the settings say
(settings.RETENTION_DAYS, quoted by the privacy notice). The team's own
record is never touched: a past workshop's summary, spreads and history
read as before, with no names.

Run by `manage.py apply_retention` (daily, from cron). Each kind is worked
through in batches, each batch its own transaction, so a run on a large
database never holds a long lock and a run stopped half-way has done
whole batches only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.events import record
from audit.models import AuditEvent, Kind
from workshops.models import FailedJoin, Workshop


@dataclass(frozen=True)
class Limit:
    key: str
    what: str


# In the order the privacy notice lists them.
LIMITS = [
    Limit("phones", "the names typed on phones and which phone gave which vote, note or dot"),
    Limit("failed_joins", "failed attempts to join a workshop"),
    Limit("sign_ins", "sign-in attempts"),
    Limit("audit", "audit events"),
]


def days(key: str) -> int:
    return settings.RETENTION_DAYS[key]


def in_words(days: int) -> str:
    """730 -> "2 years", 30 -> "30 days", 1 -> "1 day" (the notice's words)."""
    if days % 365 == 0:
        years = days // 365
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"


def cutoff(key: str, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=days(key))


def _delete_in_batches(queryset, batch: int) -> int:
    deleted = 0
    while True:
        with transaction.atomic():
            pks = list(queryset.order_by().values_list("pk", flat=True)[:batch])
            if not pks:
                return deleted
            deleted += queryset.model._base_manager.filter(pk__in=pks).delete()[0]


def workshops_due(now: datetime | None = None):
    """Closed workshops whose phones are past their time and not yet forgotten."""
    return Workshop.objects.filter(
        status=Workshop.Status.CLOSED,
        closed_at__lt=cutoff("phones", now),
        phones_forgotten_at__isnull=True,
    )


def close_left_open(now: datetime, batch: int) -> int:
    """Close the workshops nobody closed, each with its audit event: from
    then on their phones' names follow the "phones" period like any other's."""
    idle = timedelta(days=settings.AUTO_CLOSE_DAYS)
    closed = 0
    while True:
        left = list(
            Workshop.objects.left_open(now - idle).select_related("team").order_by("pk")[:batch]
        )
        if not left:
            return closed
        for workshop in left:
            with transaction.atomic():
                if workshop.close_left_open():
                    closed += 1
                    record(
                        Kind.WORKSHOP_CLOSED,
                        source="retention",
                        workshop=workshop.pk,
                        team=workshop.team.slug,
                        idle_days=settings.AUTO_CLOSE_DAYS,
                    )


def apply(now: datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Everything past its time, removed or anonymised; how many of each."""
    now = now or timezone.now()
    done = {"closed": close_left_open(now, batch), "workshops": 0}
    while True:
        due = list(workshops_due(now).order_by("closed_at", "pk")[:batch])
        if not due:
            break
        done["workshops"] += sum(workshop.forget_phones() for workshop in due)
    done["failed_joins"] = _delete_in_batches(
        FailedJoin.objects.filter(window_start__lt=cutoff("failed_joins", now)), batch
    )
    sign_ins = cutoff("sign_ins", now)
    done["sign_ins"] = sum(
        _delete_in_batches(model.objects.filter(attempt_time__lt=sign_ins), batch)
        for model in (AccessLog, AccessFailureLog, AccessAttempt)
    )
    done["audit_events"] = _delete_in_batches(AuditEvent.objects.past(cutoff("audit", now)), batch)
    return done
