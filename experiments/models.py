"""An experiment: the hypothesis a team agrees at the end of a workshop, and
its life afterwards (planned, running, finished or stopped)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from maturity.models import Area


class ExperimentError(Exception):
    """A change the experiment's state does not allow. The message is for the user."""


class TeamAlreadyRunning(ExperimentError):
    def __init__(self, running: Experiment):
        self.running = running
        super().__init__(
            f"Your {running.team.noun} is already running an experiment ({running}). "
            "Finish or stop it before starting this one: "
            f"{running.team.a_noun} runs one experiment at a time."
        )


class ExperimentChanged(Exception):
    """Someone saved the experiment after this person opened it (optimistic lock)."""

    def __init__(self, current: Experiment):
        self.current = current
        super().__init__("The experiment changed since you opened it.")


class ExperimentQuerySet(models.QuerySet):
    def open(self) -> ExperimentQuerySet:
        """Planned or running: the experiments a team still has to act on."""
        return self.filter(status__in=[Experiment.Status.PLANNED, Experiment.Status.RUNNING])

    def due_for_review(self, today: date) -> ExperimentQuerySet:
        """Open experiments whose review date has come (the reminder command)."""
        return self.open().filter(review_date__lte=today)

    def for_team_page(self, team) -> ExperimentQuerySet:
        """Every experiment of one team, newest first, for the team page and exports."""
        return (
            self.filter(team=team)
            .select_related("area", "owner", "workshop")
            .order_by("-created_at", "-pk")
        )


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
    objects = ExperimentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # The database backs start(): two people pressing "Start" at once
            # cannot leave a team with two running experiments.
            models.UniqueConstraint(
                fields=["team"], condition=Q(status="running"), name="one_running_per_team"
            ),
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

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.RUNNING)

    def review_state(self, today: date | None = None) -> str:
        """ "overdue", "due" (today) or "" for the team page and dashboard highlights."""
        if not self.is_open:
            return ""
        today = today or timezone.localdate()
        if self.review_date < today:
            return "overdue"
        if self.review_date == today:
            return "due"
        return ""

    EDITABLE_FIELDS = ("change", "outcome", "signal", "first_actions")
    LOGGED_FIELDS = (
        "status",
        "review_date",
        "started_on",
        "finished_on",
        "result",
        "what_happened",
        "learning",
        "advice",
        *EDITABLE_FIELDS,
        "owner_name",
    )

    def change_log(self) -> list[dict]:
        """Every saved change, oldest first, with who and when (one query)."""
        records = list(
            self.history.select_related("history_user").order_by("history_date", "history_id")
        )
        log = []
        for previous, record in zip([None, *records], records, strict=False):
            if previous is None:
                changes = []
            else:
                delta = record.diff_against(previous, included_fields=self.LOGGED_FIELDS)
                changes = [
                    (
                        self._meta.get_field(c.field).verbose_name.capitalize(),
                        self._display(c.field, c.old),
                        self._display(c.field, c.new),
                    )
                    for c in delta.changes
                ]
            user = record.history_user
            log.append(
                {
                    "when": record.history_date,
                    "who": (user.get_full_name() or user.get_username()) if user else "",
                    "what": record.history_change_reason
                    or ("Created" if previous is None else "Changed"),
                    "changes": changes,
                }
            )
        return log

    def _display(self, name: str, value) -> str:
        field = self._meta.get_field(name)
        if value in (None, ""):
            return "(none)"
        if field.choices:
            return str(dict(field.choices).get(value, value))
        if isinstance(value, date):
            return f"{value:%-d %B %Y}"
        return str(value)

    # State changes. Each one locks the row, checks the state it finds there
    # (not the state this instance was loaded with), applies the change to the
    # locked row and bumps `version`, so a form opened before the change knows
    # it is stale. `expected_version` is the version the person's form showed.

    def _commit(
        self,
        apply: Callable[[Experiment], None],
        *,
        by,
        reason: str,
        expected_version: int | None = None,
    ) -> None:
        try:
            with transaction.atomic():
                current = Experiment.objects.select_for_update().get(pk=self.pk)
                if expected_version is not None and current.version != expected_version:
                    raise ExperimentChanged(current)
                apply(current)
                current.version += 1
                current._history_user = by
                current._change_reason = reason
                current.save()
        except IntegrityError:
            running = Experiment.objects.filter(team_id=self.team_id, status="running").first()
            if running is None:
                raise
            raise TeamAlreadyRunning(running) from None
        self.refresh_from_db()

    def start(self, by, *, today: date | None = None) -> None:
        today = today or timezone.localdate()

        def apply(exp: Experiment) -> None:
            if exp.status != self.Status.PLANNED:
                raise ExperimentError(
                    f"This experiment is {exp.get_status_display().lower()}, "
                    "so it cannot be started."
                )
            running = (
                Experiment.objects.filter(team_id=exp.team_id, status=self.Status.RUNNING)
                .exclude(pk=exp.pk)
                .first()
            )
            if running:
                raise TeamAlreadyRunning(running)
            exp.status = self.Status.RUNNING
            exp.started_on = today

        self._commit(apply, by=by, reason="Started")

    def stop(self, by, *, reason: str = "", today: date | None = None) -> None:
        today = today or timezone.localdate()

        def apply(exp: Experiment) -> None:
            if not exp.is_open:
                raise ExperimentError(
                    f"This experiment is already {exp.get_status_display().lower()}."
                )
            exp.status = self.Status.STOPPED
            exp.finished_on = max(today, exp.started_on) if exp.started_on else today

        self._commit(apply, by=by, reason=f"Stopped: {reason}" if reason else "Stopped")
        if reason:
            self.notes.create(author=by, text=f"Stopped: {reason}")

    def finish(
        self,
        result: str,
        *,
        learning: str,
        by,
        what_happened: str = "",
        advice: str = "",
        finished_on: date | None = None,
        expected_version: int | None = None,
    ) -> None:
        finished_on = finished_on or timezone.localdate()
        errors = self.finish_errors(result, learning, finished_on, self.started_on)
        if errors:
            raise ValidationError(errors)

        def apply(exp: Experiment) -> None:
            if exp.status != self.Status.RUNNING:
                raise ExperimentError(
                    "Only a running experiment can be finished. "
                    f"This one is {exp.get_status_display().lower()}."
                )
            exp.status = self.Status.FINISHED
            exp.result = result
            exp.learning = learning.strip()
            exp.what_happened = what_happened.strip()
            exp.advice = advice.strip()
            exp.finished_on = finished_on

        self._commit(apply, by=by, reason="Finished", expected_version=expected_version)

    def finish_errors(
        self, result: str, learning: str, finished_on: date | None, started_on: date | None
    ) -> dict[str, str]:
        """The rules for recording a result (the form shows the same messages)."""
        errors = {}
        if result not in self.Result.values:
            errors["result"] = "Choose whether the hypothesis was supported."
        if not (learning or "").strip():
            errors["learning"] = (
                f"Write what the {self.team.noun} learned: "
                f"it is what other {self.team.nouns} read in the playbook."
            )
        date_error = self.finish_date_error(finished_on, started_on)
        if date_error:
            errors["finished_on"] = date_error
        return errors

    @staticmethod
    def finish_date_error(finished_on: date | None, started_on: date | None) -> str:
        if finished_on and started_on and finished_on < started_on:
            return f"The finish date must be on or after the start date, {started_on:%-d %B %Y}."
        if finished_on and finished_on > timezone.localdate():
            return "The finish date cannot be in the future."
        return ""

    def change_review_date(
        self, new: date, reason: str, by, *, expected_version: int | None = None
    ) -> None:
        old = self.review_date
        if new < timezone.localdate():
            raise ValidationError({"review_date": "The review date must be today or later."})
        if not reason.strip():
            raise ValidationError({"reason": "Say why the review date is changing."})

        def apply(exp: Experiment) -> None:
            nonlocal old
            if not exp.is_open:
                raise ExperimentError(
                    f"This experiment is {exp.get_status_display().lower()}: "
                    "it has no review to move."
                )
            old = exp.review_date
            exp.review_date = new

        self._commit(
            apply,
            by=by,
            reason=f"Review date changed: {reason.strip()}"[:100],
            expected_version=expected_version,
        )
        self.notes.create(
            author=by,
            text=f"Review date moved from {old:%-d %B %Y} to {new:%-d %B %Y}: {reason.strip()}",
        )

    def edit(self, changes: dict, by, *, expected_version: int | None = None) -> None:
        """Change the plan (hypothesis, first actions) while it is still open."""

        def apply(exp: Experiment) -> None:
            if not exp.is_open:
                raise ExperimentError(
                    f"This experiment is {exp.get_status_display().lower()}: "
                    "its plan can no longer change."
                )
            for name in self.EDITABLE_FIELDS:
                if name in changes:
                    setattr(exp, name, changes[name])

        self._commit(apply, by=by, reason="Plan edited", expected_version=expected_version)


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
