from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from maturity.models import HIGHEST_LEVEL, LEVELS, Area, Level, MaturityModel, Prompt


class LevelFormSet(forms.BaseInlineFormSet):
    """An area has exactly one level for each number from 1 to 5."""

    def clean(self) -> None:
        super().clean()
        numbers = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            number = form.cleaned_data.get("number")
            if number is not None:
                numbers.append(number)
        if sorted(numbers) != list(LEVELS):
            missing = sorted(set(LEVELS) - set(numbers))
            repeated = sorted({n for n in numbers if numbers.count(n) > 1})
            problems = []
            if missing:
                problems.append("missing level " + ", ".join(map(str, missing)))
            if repeated:
                problems.append("level " + ", ".join(map(str, repeated)) + " appears twice")
            raise ValidationError(
                f"An area needs exactly {HIGHEST_LEVEL} levels, numbered 1 to {HIGHEST_LEVEL}: "
                + "; ".join(problems)
                + "."
            )


class LevelInline(admin.StackedInline):
    model = Level
    formset = LevelFormSet
    extra = 0
    min_num = HIGHEST_LEVEL
    max_num = HIGHEST_LEVEL
    validate_min = True
    validate_max = True
    can_delete = False
    ordering = ["number"]
    fields = ["number", "title", "descriptor"]


class PromptInline(admin.TabularInline):
    model = Prompt
    extra = 1
    ordering = ["order", "id"]
    fields = ["order", "text"]


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "model", "order"]
    list_filter = ["model"]
    ordering = ["model", "order"]
    inlines = [LevelInline, PromptInline]
    history_list_display = ["name", "summary"]


class AreaInline(admin.TabularInline):
    model = Area
    extra = 0
    fields = ["order", "key", "name"]
    show_change_link = True
    ordering = ["order"]


@admin.register(MaturityModel)
class MaturityModelAdmin(SimpleHistoryAdmin):
    list_display = ["name", "key", "is_default"]
    inlines = [AreaInline]


@admin.register(Level)
class LevelAdmin(SimpleHistoryAdmin):
    """Levels are edited on their area's page; this page shows each level's history."""

    list_display = ["area", "number", "title"]
    list_filter = ["area__model", "area"]
    ordering = ["area__model", "area__order", "number"]
    history_list_display = ["title", "descriptor"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Prompt)
class PromptAdmin(SimpleHistoryAdmin):
    list_display = ["text", "area", "order"]
    list_filter = ["area"]
