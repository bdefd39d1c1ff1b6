"""`{% load playbook %}{% playbook_suggestions area %}`: a few playbook entries
for one area, for the workshop's choose-an-area and write-the-experiment steps;
`{% playbook_links experiment can_change as links %}`: an experiment's own
entry, or how to publish one, and the entry it was started from. The pages
of the apps the playbook reads ask here, so their code never imports it."""

import functools

from django import template
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse

from core.kept import counter, kept
from experiments.models import Experiment
from maturity.models import Area
from playbook.models import Adoption, Entry

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
def playbook_suggestions_by_area(rows: list[dict], limit: int = 3) -> str:
    """Each of a workshop's areas (rows with an "area" from its pinned rubric)
    with a few entries for it, in one query whatever the number of areas:
    `{% playbook_suggestions_by_area scored_areas %}`. The same for every
    workshop on the model, so kept for each version of the playbook."""
    areas = [(row["area"]["id"], row["area"]["name"]) for row in rows]
    return kept(
        "suggestions",
        lambda: counter("playbook"),
        lambda: _suggestions_by_area(areas, limit),
        areas,
        limit,
    )


def _suggestions_by_area(areas: list[tuple[int, str]], limit: int) -> str:
    found = Entry.objects.suggestions_by_area((pk for pk, _ in areas), limit)
    suggested = [({"id": pk, "name": name}, found.get(pk, [])) for pk, name in areas]
    return render_to_string("playbook/_suggestions_by_area.html", {"suggested": suggested})


@functools.cache
def _links_sql() -> str:
    """One query, each half by its own index (an OR would read every entry);
    written out, as the ORM's union took longer to build than to run."""
    quote = connection.ops.quote_name

    def column(model, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    entry, adoption, pk = quote(Entry._meta.db_table), quote(Adoption._meta.db_table), quote("id")
    return (
        f"SELECT * FROM {entry} WHERE {pk} IN ("
        f"SELECT {pk} FROM {entry} WHERE {column(Entry, 'experiment')} = %s UNION ALL "
        f"SELECT {column(Adoption, 'entry')} FROM {adoption}"
        f" WHERE {column(Adoption, 'experiment')} = %s)"
    )


@register.simple_tag
def playbook_links(experiment: Experiment, can_change: bool) -> dict:
    """The experiment's own playbook entry (or how to publish one) and the
    entry it was started from, if any."""
    entry = started_from = None
    for found in Entry.objects.raw(_links_sql(), [experiment.pk, experiment.pk]):
        if found.experiment_id == experiment.pk:
            entry = found
        else:
            started_from = found
    can_publish = can_change and experiment.status == Experiment.Status.FINISHED and entry is None
    return {
        "entry": entry,
        "started_from": started_from,
        "publish_url": reverse("playbook:publish", args=[experiment.pk]) if can_publish else "",
    }
