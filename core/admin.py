"""What every admin page shares that Django's own templates leave out."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.forms.formsets import DELETION_FIELD_NAME


class NamedAutocompleteSelect(AutocompleteSelect):
    """select2 names its box by what the box shows, and Django's shows
    nothing while empty (axe: `aria-input-field-name`): it shows the
    field's name instead."""

    def __init__(self, *args, name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.name = name

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-placeholder"] = f"{self.name}: type to search"
        return attrs


class LabelledTabularInline(admin.TabularInline):
    """Django's tabular inline names each column once, in its head, so a
    screen reader meets every input in the rows without a name (axe:
    `label`): each input is given its column's name."""

    class Media:
        js = ["js/admin-autocomplete-names.js"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = NamedAutocompleteSelect(
                db_field,
                self.admin_site,
                using=kwargs.get("using"),
                name=str(db_field.verbose_name).capitalize(),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class Labelled(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                for name, field in form.fields.items():
                    if field.widget.is_hidden:  # the row's id and parent: no one meets them
                        continue
                    label = "Delete" if name == DELETION_FIELD_NAME else field.label
                    field.widget.attrs.setdefault("aria-label", str(label or name))

        return Labelled
