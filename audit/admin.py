"""The audit trail in the admin: read, filtered and exported as CSV by
those who hold its view permission (admins), and by nobody changed: no
add, change or delete permission, whatever a group is granted."""

from __future__ import annotations

import csv
import json

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from audit.events import record
from audit.models import CSV_COLUMNS, AuditEvent, Kind


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "succeeded", "actor", "person", "client", "short_detail"]
    list_filter = ["kind", "succeeded", "at"]
    # The person filter: by the username of whoever did it or had it done to them.
    search_fields = ["actor__username", "person__username"]
    search_help_text = "The username of whoever acted or was acted on."
    list_select_related = ["actor", "person"]
    # One count query a page, not two: the trail grows for years.
    show_full_result_count = False
    change_list_template = "admin/audit/auditevent/change_list.html"

    @admin.display(description="detail")
    def short_detail(self, event: AuditEvent) -> str:
        text = json.dumps(event.detail, sort_keys=True)
        return text if len(text) <= 80 else text[:79] + "…"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self):
        view = self.admin_site.admin_view(require_GET(self.export_view))
        export = path("export/", view, name="audit_export")
        return [export, *super().get_urls()]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """The events the list shows (its filters and search, every page)
        as CSV; the export itself is the next event."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            events = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            raise BadRequest("Those filters do not apply to the audit trail.") from None
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        rows = 0
        for event in events.iterator(chunk_size=2000):
            writer.writerow(event.csv_row())
            rows += 1
        record(Kind.AUDIT_EXPORTED, request, rows=rows, filters=request.GET.urlencode()[:500])
        return response
