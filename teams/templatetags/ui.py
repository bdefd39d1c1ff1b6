"""Small template helpers shared by every page."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


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
