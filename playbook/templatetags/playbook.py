"""`{% load playbook %}{% playbook_suggestions area %}`: a few playbook entries
for one area, for the workshop's choose-an-area and write-the-experiment steps."""

from django import template

from maturity.models import Area
from playbook.models import Entry

register = template.Library()


@register.inclusion_tag("playbook/_suggestions.html")
def playbook_suggestions(
    area: Area | int | str | None, limit: int = 3, show_empty: bool = False
) -> dict:
    """`area` is an Area or its id (a workshop's rubric snapshot holds ids)."""
    area_id = area.pk if isinstance(area, Area) else area
    try:
        area_id = int(area_id)
    except (TypeError, ValueError):
        return {"entries": [], "show_empty": show_empty}
    return {
        "entries": list(Entry.objects.suggestions(area_id, limit=limit)),
        "area_id": area_id,
        "show_empty": show_empty,
    }
