"""The maturity model as data: areas, their five levels and discussion prompts.

Rubric text is edited by admins and changes over time. Every change is kept
(django-simple-history), so a workshop can show the text as it was when the
team scored against it: see `MaturityModel.snapshot()`.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

LEVELS = range(1, 6)
LOWEST_LEVEL = 1
HIGHEST_LEVEL = 5


class MaturityModelQuerySet(models.QuerySet):
    def with_rubric(self) -> MaturityModelQuerySet:
        """For the model page: areas, levels and prompts in three queries."""
        return self.prefetch_related(
            models.Prefetch("areas", queryset=Area.objects.order_by("order")),
            models.Prefetch("areas__levels", queryset=Level.objects.order_by("number")),
            models.Prefetch("areas__prompts", queryset=Prompt.objects.order_by("order", "id")),
        )


class MaturityModel(models.Model):
    """A framework teams score themselves against (the default is the product
    team maturity model; another framework is just more rows)."""

    key = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    framing = models.TextField(
        blank=True, help_text="Shown on the opening screen of every workshop."
    )
    is_default = models.BooleanField(
        default=False, help_text="New workshops use the default model."
    )

    history = HistoricalRecords()
    objects = MaturityModelQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_model"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def default(cls) -> MaturityModel | None:
        return cls.objects.filter(is_default=True).first() or cls.objects.order_by("pk").first()

    def snapshot(self, as_of: datetime | None = None) -> dict:
        """The whole rubric as plain data, as it is now or as it was at `as_of`.

        Workshops store this when they start, so their pages never depend on
        today's text. The shape:
        {"model": {...}, "as_of": iso, "areas": [{"id", "key", "name", "summary",
        "order", "levels": [{"number", "title", "descriptor"}], "prompts": [str]}]}
        """
        if as_of is None:
            model = self
            areas = list(self.areas.order_by("order"))
            levels = Level.objects.filter(area__model=self)
            prompts = Prompt.objects.filter(area__model=self)
        else:
            model = self.history.as_of(as_of)
            areas = sorted(
                (a for a in Area.history.as_of(as_of) if a.model_id == self.pk),
                key=lambda a: a.order,
            )
            area_ids = {a.pk for a in areas}
            levels = [lv for lv in Level.history.as_of(as_of) if lv.area_id in area_ids]
            prompts = [p for p in Prompt.history.as_of(as_of) if p.area_id in area_ids]
        levels_by_area: dict[int, list] = {}
        for level in sorted(levels, key=lambda lv: lv.number):
            levels_by_area.setdefault(level.area_id, []).append(
                {"number": level.number, "title": level.title, "descriptor": level.descriptor}
            )
        prompts_by_area: dict[int, list] = {}
        for prompt in sorted(prompts, key=lambda p: (p.order, p.pk)):
            prompts_by_area.setdefault(prompt.area_id, []).append(prompt.text)
        return {
            "model": {
                "id": self.pk,
                "key": model.key,
                "name": model.name,
                "framing": model.framing,
            },
            "as_of": as_of.isoformat() if as_of else None,
            "areas": [
                {
                    "id": area.pk,
                    "key": area.key,
                    "name": area.name,
                    "summary": area.summary,
                    "order": area.order,
                    "levels": levels_by_area.get(area.pk, []),
                    "prompts": prompts_by_area.get(area.pk, []),
                }
                for area in areas
            ],
        }


class Area(models.Model):
    model = models.ForeignKey(MaturityModel, on_delete=models.PROTECT, related_name="areas")
    key = models.SlugField()
    name = models.CharField(max_length=80)
    summary = models.TextField()
    order = models.PositiveSmallIntegerField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["model", "order"]
        constraints = [
            models.UniqueConstraint(fields=["model", "key"], name="unique_area_key"),
            models.UniqueConstraint(fields=["model", "order"], name="unique_area_order"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.summary.strip():
            raise ValidationError({"summary": "Write a short summary of what this area is about."})


class Level(models.Model):
    """One point of an area's five-point scale. Exactly five per area: numbers
    1 to 5 are the only ones allowed and each appears once."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(LOWEST_LEVEL), MaxValueValidator(HIGHEST_LEVEL)]
    )
    title = models.CharField(max_length=80)
    descriptor = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "number"]
        constraints = [
            models.UniqueConstraint(fields=["area", "number"], name="unique_level_number"),
            models.CheckConstraint(
                condition=Q(number__gte=LOWEST_LEVEL) & Q(number__lte=HIGHEST_LEVEL),
                name="level_number_1_to_5",
            ),
            models.CheckConstraint(condition=~Q(descriptor=""), name="level_descriptor_not_empty"),
            models.CheckConstraint(condition=~Q(title=""), name="level_title_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.number}: {self.title}"

    def clean(self) -> None:
        if not self.descriptor.strip():
            raise ValidationError({"descriptor": "Describe what a team at this level looks like."})


class Prompt(models.Model):
    """A question the facilitator can ask to open up the conversation."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="prompts")
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "order", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="prompt_text_not_empty")]

    def __str__(self) -> str:
        return self.text
