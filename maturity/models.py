"""Maturity models as data: a scale of K levels, N areas, a descriptor per
area and level, and discussion prompts.

Nothing here assumes a number of areas or levels. A model's scale has
`MIN_SCALE` to `MAX_SCALE` levels and it has `MIN_AREAS` to `MAX_AREAS` areas:
rules that hold per row are database constraints; the rules that span rows
(every area has one level per point of its model's scale) live in one place,
`MaturityModel.structure_problems()`.

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

from core.words import plural

# The bounds of what the service supports, not the shape of any one model.
MIN_SCALE, MAX_SCALE = 3, 7
MIN_AREAS, MAX_AREAS = 2, 12


class MaturityModelQuerySet(models.QuerySet):
    def for_choosing(self) -> MaturityModelQuerySet:
        """Models a workshop can use, the default first, with their size."""
        return (
            self.annotate(
                area_count=models.Count("areas", filter=Q(areas__retired=False), distinct=True),
                scale_size=models.Count("scale", distinct=True),
            )
            .filter(area_count__gt=0, scale_size__gt=0)
            .order_by("-is_default", "name")
        )

    def with_rubric(self) -> MaturityModelQuerySet:
        """For the model page: scale, areas, levels and prompts in four queries."""
        return self.prefetch_related(
            models.Prefetch("scale", queryset=ScaleLevel.objects.order_by("number")),
            models.Prefetch("areas", queryset=Area.objects.current().order_by("order")),
            models.Prefetch("areas__levels", queryset=Level.objects.order_by("number")),
            models.Prefetch("areas__prompts", queryset=Prompt.objects.order_by("order", "id")),
        )


class MaturityModel(models.Model):
    """A framework teams score themselves against (the default is the product
    team maturity model; every other framework is just more rows)."""

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

    def structure_problems(self) -> list[str]:
        """Every rule about the model's shape that spans rows, in plain words.
        Empty when the model can be used for a workshop."""
        problems = []
        numbers = sorted(self.scale.values_list("number", flat=True))
        size = len(numbers)
        if not MIN_SCALE <= size <= MAX_SCALE:
            problems.append(
                f"The scale has {plural(size, 'level')}; it needs {MIN_SCALE} to {MAX_SCALE}."
            )
        if numbers != list(range(1, size + 1)):
            problems.append(f"The scale's levels must be numbered 1 to {size}, each once.")
        areas = list(self.areas.current().prefetch_related("levels"))
        if not MIN_AREAS <= len(areas) <= MAX_AREAS:
            problems.append(
                f"The model has {plural(len(areas), 'area')}; it needs {MIN_AREAS} to {MAX_AREAS}."
            )
        for area in areas:
            problems += area.level_problems(numbers)
        return problems

    @property
    def scale_numbers(self) -> list[int]:
        return [point.number for point in self.scale.all()]

    def snapshot(self, as_of: datetime | None = None) -> dict:
        """The whole rubric as plain data, as it is now or as it was at `as_of`.

        Workshops store this when they start, so their pages never depend on
        today's text or today's structure. The shape:
        {"model": {...}, "as_of": iso, "scale": [{"number", "label"}],
        "areas": [{"id", "key", "name", "summary", "order",
        "levels": [{"number", "title", "descriptor"}], "prompts": [str]}]}
        """
        if as_of is None:
            model = self
            scale = list(self.scale.order_by("number"))
            areas = list(self.areas.current().order_by("order"))
            levels = Level.objects.filter(area__in=areas)
            prompts = Prompt.objects.filter(area__in=areas)
        else:
            model = self.history.as_of(as_of)
            scale = sorted(
                (p for p in ScaleLevel.history.as_of(as_of) if p.model_id == self.pk),
                key=lambda p: p.number,
            )
            areas = sorted(
                (a for a in Area.history.as_of(as_of) if a.model_id == self.pk and not a.retired),
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
            "scale": [{"number": p.number, "label": p.label} for p in scale],
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


class ScaleLevel(models.Model):
    """One point of a model's scale (1 is the lowest) with its short label."""

    model = models.ForeignKey(MaturityModel, on_delete=models.CASCADE, related_name="scale")
    number = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SCALE)]
    )
    label = models.CharField(max_length=40)

    history = HistoricalRecords()

    class Meta:
        ordering = ["model", "number"]
        constraints = [
            models.UniqueConstraint(fields=["model", "number"], name="unique_scale_number"),
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=MAX_SCALE), name="scale_number_in_range"
            ),
            models.CheckConstraint(condition=~Q(label=""), name="scale_label_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.label}"


class AreaQuerySet(models.QuerySet):
    def current(self) -> AreaQuerySet:
        """The areas new workshops use. A retired area stays for the workshops,
        experiments and playbook entries that point at it."""
        return self.filter(retired=False)


class Area(models.Model):
    model = models.ForeignKey(MaturityModel, on_delete=models.PROTECT, related_name="areas")
    key = models.SlugField()
    name = models.CharField(max_length=80)
    summary = models.TextField()
    order = models.PositiveSmallIntegerField()
    retired = models.BooleanField(
        default=False,
        help_text="Retired areas are kept for past workshops but new workshops leave them out.",
    )

    history = HistoricalRecords()
    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["model", "order"]
        constraints = [
            models.UniqueConstraint(fields=["model", "key"], name="unique_area_key"),
            models.UniqueConstraint(
                fields=["model", "order"], condition=Q(retired=False), name="unique_area_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.summary.strip():
            raise ValidationError({"summary": "Write a short summary of what this area is about."})

    def level_problems(self, scale_numbers: list[int]) -> list[str]:
        """An area has one level for each point of its model's scale, no more."""
        numbers = [level.number for level in self.levels.all()]
        missing = sorted(set(scale_numbers) - set(numbers))
        extra = sorted(set(numbers) - set(scale_numbers))
        repeated = sorted({n for n in numbers if numbers.count(n) > 1})
        problems = []
        if missing:
            problems.append(f"{self.name}: level {', '.join(map(str, missing))} is missing.")
        if extra:
            problems.append(
                f"{self.name}: level {', '.join(map(str, extra))} is not on the model's scale"
                f" (1 to {len(scale_numbers)})."
            )
        if repeated:
            problems.append(f"{self.name}: level {', '.join(map(str, repeated))} appears twice.")
        return problems


class Level(models.Model):
    """What a team at one point of the scale looks like in one area. An area
    has one level per point of its model's scale (`Area.level_problems`)."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SCALE)]
    )
    title = models.CharField(max_length=80)
    descriptor = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "number"]
        constraints = [
            models.UniqueConstraint(fields=["area", "number"], name="unique_level_number"),
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=MAX_SCALE),
                name="level_number_in_range",
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
