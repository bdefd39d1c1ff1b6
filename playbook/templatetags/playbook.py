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


@register.simple_tag
def with_playbook_suggestions(rows: list[dict], limit: int = 3) -> list[tuple[dict, list]]:
    """Each of a workshop's areas (rows with an "area" from its pinned rubric)
    with a few entries for it, in one query whatever the number of areas:
    `{% with_playbook_suggestions scored_areas as suggested %}`."""
    found = Entry.objects.suggestions_by_area((row["area"]["id"] for row in rows), limit)
    return [(row, found.get(row["area"]["id"], [])) for row in rows]
