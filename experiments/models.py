"""An experiment: the hypothesis a team agrees at the end of a workshop, and
its life afterwards (planned, running, finished or stopped)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from maturity.models import Area


class Experiment(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        STOPPED = "stopped", "Stopped"

    class Result(models.TextChoices):
        SUPPORTED = "supported", "Hypothesis supported"
        NOT_SUPPORTED = "not_supported", "Hypothesis not supported"
        INCONCLUSIVE = "inconclusive", "Inconclusive"

    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="experiments")
    # Null when the experiment was started outside a workshop (from the playbook).
    workshop = models.OneToOneField(
        "workshops.Workshop",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="experiment",
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="experiments")
    # "We believe that [change] will result in [outcome].
    #  We will know this when we see [signal]."
    change = models.TextField()
    outcome = models.TextField()
    signal = models.TextField()
    first_actions = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_experiments",
    )
    owner_name = models.CharField(max_length=120, blank=True)
    review_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    started_on = models.DateField(null=True, blank=True)
    finished_on = models.DateField(null=True, blank=True)
    result = models.CharField(max_length=20, choices=Result.choices, blank=True)
    what_happened = models.TextField(blank=True)
    learning = models.TextField(blank=True)
    advice = models.TextField(blank=True)
    # Optimistic lock: a save names the version it started from.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result="") | Q(status="finished"), name="result_only_when_finished"
            ),
            models.CheckConstraint(
                condition=Q(finished_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(finished_on__gte=models.F("started_on")),
                name="finished_after_started",
            ),
        ]
        indexes = [models.Index(fields=["team", "status"])]

    def __str__(self) -> str:
        return f"{self.area}: {self.change[:60]}"

    @property
    def hypothesis(self) -> str:
        return (
            f"We believe that {self.change} will result in {self.outcome}. "
            f"We will know this when we see {self.signal}."
        )

    @property
    def owner_label(self) -> str:
        if self.owner_id:
            return self.owner.get_full_name() or self.owner.get_username()
        return self.owner_name


class ProgressNote(models.Model):
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class ReviewReminder(models.Model):
    """One reminder per experiment per review date, so the daily job is idempotent."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="reminders")
    due_date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["experiment", "due_date"], name="one_reminder_per_due_date"
            )
        ]

    def __str__(self) -> str:
        return f"Reminder for {self.experiment_id} due {self.due_date}"
