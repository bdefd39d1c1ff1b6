"""The playbook's results and a workshop's suggestions are kept under a
counter that triggers move whenever what they show changes (core/kept.py,
playbook migration 0003): every change shows at once, however it was made."""

from django.urls import reverse

from core.kept import counter
from maturity.models import Area
from playbook import views
from playbook.forms import FilterForm
from playbook.models import Entry
from playbook.templatetags.playbook import _suggestions_by_area
from teams.models import Team
from tests.kept import postgresql_only, tables_read, triggered_tables
from tests.playbook.factories import make_entry

pytestmark = postgresql_only


def test_each_drawing_reads_only_tables_whose_changes_move_the_counter(team_a):
    make_entry(team_a, show_team_name=True)
    listed = {model._meta.db_table for model in views.LIST_TABLES}
    for query in ({}, {"q": "weekly flag", "area": "delivery", "result": "supported"}):
        form = FilterForm(query or None)
        drawn = tables_read(lambda form=form: views._results(form, None, ""))
        assert drawn and drawn <= listed, drawn - listed
    areas = [(area.pk, area.name) for area in Area.objects.filter(model__is_default=True)]
    drawn = tables_read(lambda: _suggestions_by_area(areas, 3))
    assert drawn and drawn <= listed, drawn - listed

    triggered = triggered_tables("playbook")
    assert listed <= triggered, listed - triggered


def test_any_change_to_what_the_list_shows_moves_the_counter(team_a):
    entry = make_entry(team_a)
    for change in (
        lambda: Entry.objects.filter(pk=entry.pk).update(title="Retitled"),
        lambda: Team.objects.filter(pk=team_a.pk).update(name="Renamed team"),
        lambda: Area.objects.filter(pk=entry.area_id).update(name="Shipping"),
        lambda: Entry.objects.filter(pk=entry.pk).delete(),
    ):
        before = counter("playbook")
        change()
        assert counter("playbook") != before


def test_the_list_shows_a_change_made_any_way_at_once(member_a_client, team_a, monkeypatch):
    drawn, draw = [], views._results
    monkeypatch.setattr(views, "_results", lambda *args: drawn.append(1) or draw(*args))
    entry = make_entry(team_a, title="Releasing weekly behind a flag", show_team_name=True)
    make_entry(team_a, title="Pairing on every change")
    url = reverse("playbook:list")

    def results() -> str:
        return member_a_client.get(url).content.decode().partition('id="results"')[2]

    assert "2 entries" in results()
    assert "2 entries" in results() and len(drawn) == 1  # kept
    Entry.objects.filter(pk=entry.pk).update(hidden=True, hidden_reason="Names a patient")
    shown = results()
    assert "1 entry" in shown and "Releasing weekly" not in shown
    Entry.objects.filter(pk=entry.pk).update(hidden=False)
    Team.objects.filter(pk=team_a.pk).update(name="The renamed team")
    assert "The renamed team" in results()
    assert len(drawn) == 3
