"""Admins edit a model's text here; its structure (how many areas, how many
levels) comes from a model file, imported and exported on the model's pages.

Levels are fixed to the model's scale: their numbers cannot be edited, added
or deleted here, so an area always has one level per point of the scale.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from audit.events import record
from audit.models import Kind
from core.admin import LabelledTabularInline
from maturity.interchange import (
    MAX_FILE_BYTES,
    ModelFileError,
    dump_model,
    import_model,
    too_big,
)
from maturity.models import Area, Level, MaturityModel, Prompt, ScaleLevel


class LevelInline(admin.StackedInline):
    model = Level
    extra = 0
    can_delete = False
    ordering = ["number"]
    fields = ["number", "title", "descriptor"]
    readonly_fields = ["number"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class PromptInline(LabelledTabularInline):
    model = Prompt
    extra = 1
    ordering = ["order", "id"]
    fields = ["order", "text"]


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "model", "order", "retired"]
    list_filter = ["model", "retired"]
    # Rubric text is found by any of its words: the area's own, its levels'
    # and its prompts' (the text is edited on this page).
    search_fields = [
        "name",
        "summary",
        "key",
        "levels__title",
        "levels__descriptor",
        "prompts__text",
    ]
    search_help_text = (
        "Words from the area's name or summary, a level's title or descriptor, or a prompt."
    )
    ordering = ["model", "order"]
    fields = ["model", "key", "name", "summary", "order", "retired"]
    readonly_fields = ["model", "key", "order", "retired"]
    inlines = [LevelInline, PromptInline]
    history_list_display = ["name", "summary"]

    def has_add_permission(self, request) -> bool:
        return False  # areas come from a model file

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # past workshops point at them


class ScaleInline(LabelledTabularInline):
    model = ScaleLevel
    extra = 0
    can_delete = False
    ordering = ["number"]
    fields = ["number", "label"]
    readonly_fields = ["number"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AreaInline(LabelledTabularInline):
    model = Area
    extra = 0
    can_delete = False
    fields = ["order", "key", "name", "retired"]
    readonly_fields = ["order", "key", "retired"]
    show_change_link = True
    ordering = ["retired", "order"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Model file (JSON)",
        help_text=(
            "A file exported from this service, or written in the same shape. "
            "A model with the same key is updated; otherwise a new model is created."
        ),
        error_messages={"required": "Choose a model file to import."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            # Refuse a large upload by its real size, unread (reading only the
            # first MAX_FILE_BYTES + 1 bytes would report it as just over the limit).
            if upload.size > MAX_FILE_BYTES:
                raise ModelFileError([too_big(upload.size)])
            raw = upload.read()
            self.result = import_model(raw, reason=f"Imported from {upload.name}")
        except ModelFileError as error:
            raise forms.ValidationError(
                [f"{upload.name} was not imported, and nothing changed."] + error.problems
            ) from None
        return upload


@admin.register(MaturityModel)
class MaturityModelAdmin(SimpleHistoryAdmin):
    list_display = ["name", "key", "is_default"]
    fields = ["key", "name", "description", "framing", "is_default"]
    readonly_fields = ["key"]
    inlines = [ScaleInline, AreaInline]
    change_list_template = "admin/maturity/maturitymodel/change_list.html"
    change_form_template = "admin/maturity/maturitymodel/change_form.html"

    def has_add_permission(self, request) -> bool:
        return False  # a new model comes from a file: see import_view

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # workshops, experiments and entries point at it

    def get_urls(self):
        urls = [
            path("import/", self.admin_site.admin_view(self.import_view), name="maturity_import"),
            path(
                "<int:pk>/export/",
                self.admin_site.admin_view(self.export_view),
                name="maturity_export",
            ),
        ]
        return urls + super().get_urls()

    def import_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        # Bound on every POST: `request.POST or None` left a post without
        # fields unbound, so it showed the form again with no message.
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
        else:
            form = ImportForm()
        if form.is_bound and form.is_valid():
            result = form.result
            record(
                Kind.MODEL_IMPORTED,
                request,
                source="admin",
                model=result.model.key,
                created=result.created,
                file=form.cleaned_data["file"].name,
            )
            verb = "Created" if result.created else "Updated"
            messages.success(
                request,
                f"{verb} {result.model.name}. "
                + (" ".join(result.changes) if result.changes else "Nothing had changed."),
            )
            return redirect(reverse("admin:maturity_maturitymodel_change", args=[result.model.pk]))
        if form.is_bound and "file" in request.FILES:
            # A file was sent and refused: nothing changed, but someone tried.
            name = request.FILES["file"].name
            record(Kind.MODEL_IMPORTED, request, succeeded=False, source="admin", file=name)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import a model",
            "form": form,
        }
        return TemplateResponse(request, "admin/maturity/maturitymodel/import.html", context)

    def export_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        model = get_object_or_404(MaturityModel, pk=pk)
        record(Kind.MODEL_EXPORTED, request, source="admin", model=model.key)
        response = HttpResponse(dump_model(model), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{model.key}.json"'
        return response


@admin.register(Level)
class LevelAdmin(SimpleHistoryAdmin):
    """Levels are edited on their area's page; this page shows each level's history."""

    list_display = ["area", "number", "title"]
    list_filter = ["area__model", "area"]
    search_fields = ["title", "descriptor", "area__name"]
    search_help_text = "Words from a level's title or descriptor, or its area's name."
    ordering = ["area__model", "area__order", "number"]
    readonly_fields = ["area", "number"]
    history_list_display = ["title", "descriptor"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Prompt)
class PromptAdmin(SimpleHistoryAdmin):
    list_display = ["text", "area", "order"]
    list_filter = ["area__model", "area"]
    search_fields = ["text", "area__name"]
    search_help_text = "Words from a prompt, or its area's name."
