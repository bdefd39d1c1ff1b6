"""Small template helpers shared by every page."""

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from core import words

register = template.Library()
register.filter("possessive", words.possessive)
register.filter("time_of_day", words.long_time)


@register.filter
def date_and_time(value) -> str:
    """'4 December 2026, 9:30am': the one way a moment is written."""
    return f"{words.long_date(value)}, {words.long_time(value)}" if value else ""


@register.simple_tag(takes_context=True)
def nav_item(context, url_name: str, label: str) -> str:
    """A header navigation link, marked current on its own page and below it."""
    url = reverse(url_name)
    path = context["request"].path
    current = path == url or (url != "/" and path.startswith(url))
    if current:
        return format_html(
            '<li class="nhsuk-header__navigation-item nhsuk-header__navigation-item--current">'
            '<a class="nhsuk-header__navigation-link" href="{}"{}>'
            '<strong class="nhsuk-header__navigation-item-current-fallback">{}</strong></a></li>',
            url,
            mark_safe(' aria-current="page"') if path == url else "",
            label,
        )
    return format_html(
        '<li class="nhsuk-header__navigation-item">'
        '<a class="nhsuk-header__navigation-link" href="{}">{}</a></li>',
        url,
        label,
    )


@register.filter
def is_option_group(label) -> bool:
    """A select's choice is a group (an optgroup) when its label is a list of choices."""
    return isinstance(label, list | tuple)


@register.simple_tag
def form_field(field, label_size="", width="", rows="", extra_attrs="") -> str:
    """An NHS.UK form group for one Django form field (includes/field.html):
    its label, hint, error message and input. Written here rather than as a
    template: a form's fields are most of the work of the pages that carry
    them (a radio group through Django's template engine and its widget
    machinery cost the facilitator's screen a third of its drawing)."""
    widget = field.field.widget
    widget_type = field.widget_type
    auto_id = field.auto_id
    hint = f"{auto_id}-hint" if field.help_text else ""
    error = f"{auto_id}-error" if field.errors else ""
    described = (
        format_html(' aria-describedby="{}{}"', hint, f" {error}" if error else "")
        if hint or error
        else ""
    )
    hint_html = (
        format_html('<div class="nhsuk-hint" id="{}">{}</div>', hint, field.help_text)
        if hint
        else ""
    )
    error_html = (
        format_html(
            '<span class="nhsuk-error-message" id="{}">'
            '<span class="nhsuk-u-visually-hidden">Error:</span> {}</span>',
            error,
            mark_safe(" ".join(conditional_escape(e) for e in field.errors)),
        )
        if error
        else ""
    )
    extra = conditional_escape(extra_attrs or "")
    group_class = "nhsuk-form-group nhsuk-form-group--error" if error else "nhsuk-form-group"
    if widget_type in ("radioselect", "checkboxselectmultiple"):
        kind = "radios" if widget_type == "radioselect" else "checkboxes"
        legend_class = "nhsuk-fieldset__legend" + (
            f" nhsuk-fieldset__legend--{label_size}" if label_size else ""
        )
        inner = format_html(
            '<fieldset class="nhsuk-fieldset"{}>\n<legend class="{}">{}</legend>\n{}{}'
            '<div class="nhsuk-{}">\n{}</div>\n</fieldset>',
            described,
            legend_class,
            field.label,
            hint_html,
            error_html,
            kind,
            _choices(field, widget, kind),
        )
    elif widget_type == "checkbox":
        hint_html = (
            format_html(
                '<div class="nhsuk-hint nhsuk-checkboxes__hint" id="{}">{}</div>',
                hint,
                field.help_text,
            )
            if hint
            else ""
        )
        inner = format_html(
            '<div class="nhsuk-checkboxes">\n<div class="nhsuk-checkboxes__item">\n'
            '<input class="nhsuk-checkboxes__input" id="{}" name="{}" type="checkbox"{}{}>\n'
            '<label class="nhsuk-label nhsuk-checkboxes__label" for="{}">{}</label>\n'
            "{}</div>\n</div>\n{}",
            auto_id,
            field.html_name,
            mark_safe(" checked") if field.value() else "",
            described,
            auto_id,
            field.label,
            hint_html,
            error_html,
        )
    else:
        label_class = "nhsuk-label" + (f" nhsuk-label--{label_size}" if label_size else "")
        label = format_html(
            '<label class="{}" for="{}">{}</label>\n{}{}', label_class, auto_id, field.label,
            hint_html, error_html,
        )  # fmt: skip
        value = field.value()
        max_length = getattr(field.field, "max_length", None)
        limits = format_html(
            "{}{}",
            format_html(' maxlength="{}"', max_length) if max_length else "",
            mark_safe(" required") if field.field.required else "",
        )
        common = format_html("{}{}", limits, described)
        named = format_html(' id="{}" name="{}"', auto_id, field.html_name)
        if widget_type == "textarea":
            control = format_html(
                '<textarea class="nhsuk-textarea{}"{} rows="{}"{} {}>{}</textarea>',
                " nhsuk-textarea--error" if error else "",
                named,
                rows or "4",
                common,
                extra,
                "" if value is None else value,
            )
        elif widget_type == "select":
            control = format_html(
                '<select class="nhsuk-select{}"{}{} {}>\n{}</select>',
                " nhsuk-select--error" if error else "",
                named,
                described,
                extra,
                _options(field.field.choices, f"{value}"),
            )
        else:
            value = widget.format_value(value)  # a date as the field writes it
            autocomplete = widget.attrs.get("autocomplete")
            control = format_html(
                '<input class="nhsuk-input{}{}"{} type="{}"{}{}{}{} >',
                f" nhsuk-input--width-{width}" if width else "",
                " nhsuk-input--error" if error else "",
                named,
                getattr(widget, "input_type", None) or "text",
                format_html(' value="{}"', f"{value}") if value is not None else "",
                limits,
                format_html(' autocomplete="{}"', autocomplete) if autocomplete else "",
                format_html("{}{}", described, extra and format_html(" {}", extra)),
            )
        inner = format_html("{}{}", label, control)
    return format_html('<div class="{}" id="{}-group">\n{}\n</div>', group_class, auto_id, inner)


def _choices(field, widget, kind: str) -> str:
    """The radios or checkboxes of a choice field, as Django's widget would
    choose them (only the first match of a single choice is checked)."""
    chosen = set(widget.format_value(field.value()))
    multiple = widget.allow_multiple_selected
    input_type = "radio" if kind == "radios" else "checkbox"
    items, checked_one = [], False
    for index, (value, label) in enumerate(field.field.choices):
        checked = (multiple or not checked_one) and str(value) in chosen
        checked_one = checked_one or checked
        option_id = f"{field.auto_id}_{index}" if field.auto_id else ""
        items.append(
            format_html(
                '<div class="nhsuk-{kind}__item">\n<input class="nhsuk-{kind}__input" id="{id}" '
                'name="{name}" type="{type}" value="{value}"{checked}>\n'
                '<label class="nhsuk-label nhsuk-{kind}__label" for="{id}">{label}</label>\n'
                "</div>\n",
                kind=kind,
                id=option_id,
                name=field.html_name,
                type=input_type,
                value=str(value),
                checked=mark_safe(" checked") if checked else "",
                label=label,
            )  # fmt: skip
        )
    return mark_safe("".join(items))


def _options(choices, selected: str) -> str:
    """A select's options (and option groups), the current value selected."""
    out = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            grouped = "".join(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    group_value,
                    mark_safe(" selected") if f"{group_value}" == selected else "",
                    group_label,
                )
                for group_value, group_label in label
            )
            out.append(
                format_html('<optgroup label="{}">\n{}</optgroup>\n', value, mark_safe(grouped))
            )
        else:
            out.append(
                format_html(
                    '<option value="{}"{}>{}</option>\n',
                    value,
                    mark_safe(" selected") if f"{value}" == selected else "",
                    label,
                )
            )
    return mark_safe("".join(out))
