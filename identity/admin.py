from django.contrib import admin

from identity.models import OrganisationAccount


@admin.register(OrganisationAccount)
class OrganisationAccountAdmin(admin.ModelAdmin):
    """Read-only: the first sign-in creates the link; deleting it makes the
    next sign-in create a new account."""

    list_display = ["user", "issuer", "subject", "created_at", "last_signed_in_at"]
    search_fields = ["user__username", "user__email", "subject"]
    readonly_fields = ["user", "issuer", "subject", "created_at", "last_signed_in_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
