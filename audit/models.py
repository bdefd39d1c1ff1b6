"""The audit trail: one append-only row for each security-relevant action.

Who did it, when, what, to whom, and from where (the client's address as
the deployment sees it). Never a password, a token, a note's text or a
vote: `detail` holds names of things (a team's slug, a model's key, a
method), never what anyone said."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    SIGN_IN = "sign-in", "Signed in"
    SIGN_IN_FAILED = "sign-in-failed", "Sign-in failed"
    SIGN_OUT = "sign-out", "Signed out"
    ROLE_CHANGED = "role-changed", "Role changed"
    MEMBERSHIP_CHANGED = "membership-changed", "Team membership changed"
    TEAM_EXPORTED = "team-exported", "Team data exported"
    MODEL_IMPORTED = "model-imported", "Model imported"
    MODEL_EXPORTED = "model-exported", "Model exported"
    PERSON_CHANGED = "person-changed", "Person changed by an admin"
    TEAM_CHANGED = "team-changed", "Team changed by an admin"
    DATA_DOWNLOADED = "data-downloaded", "Own data downloaded"
    ERASED = "erased", "Person erased"
    ERASURE_FAILED = "erasure-failed", "Erasure refused"
    RETENTION_RUN = "retention-run", "Retention applied"
    WORKSHOP_CLOSED = "workshop-closed", "Workshop left open closed"
    AUDIT_EXPORTED = "audit-exported", "Audit trail exported"
    SUMMARY_SENT = "summary-sent", "Workshop summary emailed"


class AppendOnly(Exception):
    """An audit event, once written, is never changed or deleted (retention
    removes whole events past their time, through `past(...)`.delete())."""


class AuditEventQuerySet(models.QuerySet):
    def past(self, cutoff) -> AuditEventQuerySet:
        """Events older than the retention limit (apply_retention)."""
        return self.filter(at__lt=cutoff)


# The audit as CSV (the admin's export), one event a row.
CSV_COLUMNS = ["at", "kind", "succeeded", "actor", "person", "client", "detail"]
# What a spreadsheet would run as a formula (a username may start with + - @).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True)
    succeeded = models.BooleanField(default=True)
    # Who did it: null for the system (cron) or someone not signed in.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    # Whom it was done to (a role change, an erasure), when that is a person.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events_about",
    )
    client = models.CharField("from", max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["actor", "-at"]), models.Index(fields=["person", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnly("Audit events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit events are never deleted one by one.")

    def csv_row(self) -> list[str]:
        """The event under CSV_COLUMNS; the actor and person by username."""
        row = [
            self.at.isoformat(),
            self.kind,
            "true" if self.succeeded else "false",
            self.actor.get_username() if self.actor else "",
            self.person.get_username() if self.person else "",
            self.client,
            json.dumps(self.detail, sort_keys=True),
        ]
        return ["'" + cell if cell.startswith(FORMULA_STARTS) else cell for cell in row]
