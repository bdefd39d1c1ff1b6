"""Template helpers for team history and experiment pages."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

STATUS_TAG_CLASSES = {
    "planned": "nhsuk-tag--grey",
    "running": "nhsuk-tag--blue",
    "finished": "nhsuk-tag--green",
    "stopped": "nhsuk-tag--orange",
}


@register.simple_tag
def status_tag(experiment) -> str:
    return format_html(
        '<strong class="nhsuk-tag {}">{}</strong>',
        STATUS_TAG_CLASSES.get(experiment.status, ""),
        experiment.get_status_display(),
    )


@register.simple_tag
def review_tag(experiment, today=None) -> str:
    """ "Overdue" or "Due today" beside a review date; nothing otherwise."""
    state = experiment.review_state(today)
    if state == "overdue":
        return mark_safe('<strong class="nhsuk-tag nhsuk-tag--red">Review overdue</strong>')
    if state == "due":
        return mark_safe('<strong class="nhsuk-tag nhsuk-tag--yellow">Review due today</strong>')
    return ""
