"""Workshops in the admin: read-mostly. Workshops are run on the shared
screen, not edited here; an admin can fix a title or date and see what was
recorded. Individual votes are never listed (they would tie people to scores)."""

from django.contrib import admin
from django.db.models import Count

from core.admin import LabelledTabularInline
from workshops.models import AreaScore, FailedJoin, Workshop


class AreaScoreInline(LabelledTabularInline):
    model = AreaScore
    fields = ["area", "score", "helps", "holds_back", "revealed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["__str__", "team", "facilitator", "held_on", "status", "participant_count"]
    list_filter = ["status", "held_on"]
    search_fields = ["title", "team__name", "join_code"]
    date_hierarchy = "held_on"
    fields = [
        "team",
        "facilitator",
        "title",
        "held_on",
        "status",
        "step",
        "chosen_area",
        "join_code",
        "rubric_as_of",
        "created_at",
        "closed_at",
    ]
    readonly_fields = [
        "team",
        "facilitator",
        "status",
        "step",
        "chosen_area",
        "join_code",
        "rubric_as_of",
        "created_at",
        "closed_at",
    ]
    inlines = [AreaScoreInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("team", "facilitator")
            .annotate(n_participants=Count("participants"))
        )

    @admin.display(description="Participants", ordering="n_participants")
    def participant_count(self, obj: Workshop) -> int:
        return obj.n_participants

    def has_add_permission(self, request) -> bool:
        # Workshops start from the facilitator's page, which pins the rubric.
        return False


@admin.register(FailedJoin)
class FailedJoinAdmin(admin.ModelAdmin):
    list_display = ["client", "window_start", "failures"]
    readonly_fields = ["client", "window_start", "failures"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
