"""A live, facilitated workshop: one team, the five areas in turn, one chosen
area and one experiment.

`Workshop.version` goes up on every change other people's screens must show
(step, reveal, agreed score, vote count, timer), so a poll that carries the
version it already shows can be answered with 204 in one indexed query.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from maturity.models import HIGHEST_LEVEL, LOWEST_LEVEL, Area, MaturityModel

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read off a projector must not be misread.
JOIN_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
JOIN_CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


class Workshop(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "In progress"
        PAUSED = "paused", "Paused"
        CLOSED = "closed", "Closed"

    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="workshops")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="facilitated_workshops"
    )
    title = models.CharField(max_length=120, blank=True)
    held_on = models.DateField(default=timezone.localdate)
    model = models.ForeignKey(MaturityModel, on_delete=models.PROTECT, related_name="workshops")
    # The rubric as it was when the workshop was created (MaturityModel.snapshot()).
    rubric = models.JSONField(default=dict)
    rubric_as_of = models.DateTimeField(default=timezone.now)
    join_code = models.CharField(max_length=12, unique=True, default=new_join_code)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # 0 opening screen; 1..N the areas in order; N+1 choose an area;
    # N+2 write the experiment; N+3 summary.
    step = models.PositiveSmallIntegerField(default=0)
    chosen_area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    timer_seconds = models.PositiveIntegerField(default=10 * 60)
    timer_started_at = models.DateTimeField(null=True, blank=True)
    timer_elapsed = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-created_at"]
        indexes = [models.Index(fields=["team", "-held_on"])]

    def __str__(self) -> str:
        return self.title or f"{self.team} workshop, {self.held_on:%-d %B %Y}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def bump_version(self) -> None:
        """Tell polling screens something changed, without a read-modify-write race."""
        Workshop.objects.filter(pk=self.pk).update(version=F("version") + 1)
        self.refresh_from_db(fields=["version"])


class AreaScore(models.Model):
    """What the team agreed for one area: the score, the notes and the reveal."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="scores")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(LOWEST_LEVEL), MaxValueValidator(HIGHEST_LEVEL)],
    )
    helps = models.TextField("What helps us", blank=True)
    holds_back = models.TextField("What holds us back", blank=True)
    # Autosave sends the revision it started from; older text never replaces newer.
    notes_revision = models.PositiveIntegerField(default=0)
    revealed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workshop", "area"], name="unique_score_per_area"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=1) & Q(score__lte=5)),
                name="score_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workshop}: {self.area} {self.score or '-'}"


class Participant(models.Model):
    """Someone voting from their own device. No account needed: the browser
    keeps the token. The facilitator can vote too, as a participant with a user."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    display_name = models.CharField(max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"],
                condition=Q(user__isnull=False),
                name="one_participant_per_user",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or "Participant"


class Vote(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(LOWEST_LEVEL), MaxValueValidator(HIGHEST_LEVEL)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "area"], name="one_vote_per_area"),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=5), name="vote_level_1_to_5"
            ),
        ]
        indexes = [models.Index(fields=["workshop", "area"])]

    def __str__(self) -> str:
        return f"{self.area}: {self.level}"
