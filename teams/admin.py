"""Teams and people in the admin. Every change an admin makes here is one
event in the audit trail, with the admin as its actor: a team or person
added, changed or deleted, a membership added or removed, a role (group)
given or taken away."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from audit.events import changed_fields, record
from audit.models import Kind
from core.admin import LabelledTabularInline
from teams.models import Membership, Team

User = get_user_model()


class MembershipInline(LabelledTabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def save_formset(self, request, form, formset, change) -> None:
        had = {f.instance.pk: f.initial.get("user") for f in formset.initial_forms}
        super().save_formset(request, form, formset, change)
        if formset.model is not Membership:
            return
        team = form.instance
        for membership in formset.new_objects:
            _membership_changed(request, team, membership.user, "added")
        for membership in formset.deleted_objects:
            _membership_changed(request, team, membership.user, "removed")
        for membership, fields in formset.changed_objects:
            if "user" in fields:  # one person put in another's place: two changes
                _membership_changed(
                    request, team, User.objects.get(pk=had[membership.pk]), "removed"
                )
                _membership_changed(request, team, membership.user, "added")

    def log_addition(self, request, obj, message):
        record(Kind.TEAM_CHANGED, request, source="admin", action="added", team=obj.slug)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        # Memberships are events of their own (save_formset): only the team's own fields here.
        fields = changed_fields(message)
        if fields:
            record(
                Kind.TEAM_CHANGED,
                request,
                source="admin",
                action="changed",
                team=obj.slug,
                fields=fields,
            )
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for team in queryset:
            record(Kind.TEAM_CHANGED, request, source="admin", action="deleted", team=team.slug)
        return super().log_deletions(request, queryset)


def _membership_changed(request, team: Team, person, action: str) -> None:
    record(
        Kind.MEMBERSHIP_CHANGED,
        request,
        person=person,
        source="admin",
        action=action,
        team=team.slug,
    )


admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    """Django's own user admin; roles are its groups (teams/roles.py)."""

    # Recorded by the service, not typed: read-only (and no split date and
    # time boxes without labels of their own).
    readonly_fields = ["last_login", "date_joined"]

    def save_related(self, request, form, formsets, change) -> None:
        person = form.instance
        before = set(person.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(person.groups.values_list("name", flat=True))
        if before != after:
            record(
                Kind.ROLE_CHANGED,
                request,
                person=person,
                source="admin",
                added=sorted(after - before),
                removed=sorted(before - after),
            )

    def log_addition(self, request, obj, message):
        record(Kind.PERSON_CHANGED, request, person=obj, source="admin", action="added")
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        # Groups are roles, recorded as role changes (save_related).
        fields = [field for field in changed_fields(message) if field != "Groups"]
        if fields:
            record(
                Kind.PERSON_CHANGED,
                request,
                person=obj,
                source="admin",
                action="changed",
                fields=fields,
            )
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for person in queryset:
            # By name too: the event's link to the person goes with their account.
            record(
                Kind.PERSON_CHANGED,
                request,
                person=person,
                source="admin",
                action="deleted",
                username=person.get_username(),
            )
        return super().log_deletions(request, queryset)
