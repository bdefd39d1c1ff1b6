"""Moderation: admins hide an entry with a reason the team can read, or show it again."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.utils import timezone

from core.words import plural
from playbook.forms import EntryForm
from playbook.models import Adoption, Entry


class HideActionForm(ActionForm):
    reason = forms.CharField(
        label="Reason (for hiding)",
        required=False,
        max_length=500,
        help_text="The team reads this on its entry.",
    )


class EntryAdminForm(forms.ModelForm):
    # The admin builds the fields from EntryAdmin.fieldsets.
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("hidden") and not cleaned.get("hidden_reason", "").strip():
            self.add_error("hidden_reason", "Say why the entry is hidden: the team reads this.")
        return cleaned


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    form = EntryAdminForm
    action_form = HideActionForm
    actions = ["hide_entries", "unhide_entries"]
    list_display = ["title", "team", "area", "result", "status", "hidden", "published_at"]
    list_filter = ["hidden", "status", "area", "result"]
    search_fields = ["title", "team__name", "learning"]
    list_select_related = ["team", "area"]
    readonly_fields = ["slug", "experiment", "team", "hidden_at", "hidden_by", "published_at"]
    fieldsets = [
        ("Moderation", {"fields": ["hidden", "hidden_reason", "hidden_at", "hidden_by"]}),
        ("Publishing", {"fields": ["slug", "team", "experiment", "status", "published_at"]}),
        ("What the team wrote", {"fields": EntryForm.Meta.fields}),
    ]

    def save_model(self, request, obj, form, change):
        # The form sets hidden and its reason; record who hid it and when.
        if "hidden" in form.changed_data:
            obj.hidden_at = timezone.now() if obj.hidden else None
            obj.hidden_by = request.user if obj.hidden else None
        if not obj.hidden:
            obj.hidden_reason = ""
        super().save_model(request, obj, form, change)

    @admin.action(description="Hide selected entries (give a reason)")
    def hide_entries(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(
                request,
                "Nothing hidden: write a reason in the box beside the action. The team reads it.",
                messages.ERROR,
            )
            return
        for entry in queryset:
            entry.hide(reason, by=request.user)
        self.message_user(
            request, f"Hidden {plural(len(queryset), 'entry', 'entries')}.", messages.SUCCESS
        )

    @admin.action(description="Show selected entries again")
    def unhide_entries(self, request, queryset):
        hidden = list(queryset.filter(hidden=True))
        for entry in hidden:
            entry.unhide()
        self.message_user(
            request, f"Shown {plural(len(hidden), 'entry', 'entries')} again.", messages.SUCCESS
        )

    def get_actions(self, request):
        return _without_bulk_delete(super().get_actions(request))


@admin.register(Adoption)
class AdoptionAdmin(admin.ModelAdmin):
    list_display = ["entry", "experiment", "show_team_name", "created_at"]
    list_select_related = ["entry", "experiment__team"]
    readonly_fields = ["entry", "experiment", "created_by", "created_at"]

    def get_actions(self, request):
        return _without_bulk_delete(super().get_actions(request))


def _without_bulk_delete(actions: dict) -> dict:
    """A moderation list offers no "Delete selected": one click beside
    *Hide* would destroy what a team published, and the teams that started
    from it. An entry is still deleted one at a time, from its own page."""
    actions.pop("delete_selected", None)
    return actions
