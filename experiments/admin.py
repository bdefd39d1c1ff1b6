from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import LabelledTabularInline
from experiments.models import Experiment, ProgressNote, ReviewReminder


class ProgressNoteInline(LabelledTabularInline):
    model = ProgressNote
    extra = 0
    fields = ["text", "author", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["author"]


@admin.register(Experiment)
class ExperimentAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "team", "area", "status", "review_date"]
    list_filter = ["status", "result", "area"]
    search_fields = ["change", "outcome", "signal", "learning", "team__name"]
    raw_id_fields = ["workshop", "owner", "created_by"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [ProgressNoteInline]

    def save_model(self, request, obj, form, change):
        # An admin's edit must also make open edit forms stale (optimistic lock).
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(ReviewReminder)
class ReviewReminderAdmin(admin.ModelAdmin):
    list_display = ["experiment", "due_date", "sent_at"]
    raw_id_fields = ["experiment"]
