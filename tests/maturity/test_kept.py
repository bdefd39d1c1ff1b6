"""The model pages are kept under a counter that triggers move whenever any
model's rubric changes (core/kept.py, maturity migration 0004): every
change shows at once, however it was made."""

from django.urls import reverse
from django.utils.html import escape

from core.kept import counter
from maturity import views
from maturity.models import Area, Level, MaturityModel, Prompt, ScaleLevel
from tests.kept import postgresql_only, tables_read, triggered_tables

pytestmark = postgresql_only


def test_the_drawing_reads_only_tables_whose_changes_move_the_counter(rubric):
    keyed = {model._meta.db_table for model in views.RUBRIC_TABLES}
    for key in (None, rubric.key):
        drawn = tables_read(lambda key=key: views._rubric(key))
        assert drawn and drawn <= keyed, drawn - keyed
    triggered = triggered_tables("rubric")
    assert keyed <= triggered, keyed - triggered


def test_a_page_is_drawn_once_and_any_change_shows_at_once(member_a_client, rubric, monkeypatch):
    drawn, draw = [], views._rubric
    monkeypatch.setattr(views, "_rubric", lambda *args: drawn.append(1) or draw(*args))
    url = reverse("maturity:model")
    member_a_client.get(url)
    member_a_client.get(url)
    assert len(drawn) == 1  # kept

    area = Area.objects.filter(model=rubric).first()
    # Straight to the database, past every model method and signal: each
    # table the page reads, in turn.
    for change, shown in (
        (lambda: MaturityModel.objects.filter(pk=rubric.pk).update(name="Renamed model"),
         "Renamed model"),
        (lambda: ScaleLevel.objects.filter(model=rubric, number=1).update(label="Not yet"),
         "Not yet"),
        (lambda: Area.objects.filter(pk=area.pk).update(name="Working together"),
         "Working together"),
        (lambda: Level.objects.filter(area=area, number=2).update(title="Getting going"),
         "Getting going"),
        (lambda: Prompt.objects.filter(area=area).update(text="What helps us most?"),
         "What helps us most?"),
    ):  # fmt: skip
        before = counter("rubric")
        change()
        assert counter("rubric") != before
        assert shown in member_a_client.get(url).content.decode()
    assert len(drawn) == 6


def test_each_model_keeps_its_own_page(member_a_client, rubric):
    """Two addresses, two pages: the default's and another model's."""
    other = MaturityModel.objects.exclude(pk=rubric.pk).first()
    first = member_a_client.get(reverse("maturity:model")).content.decode()
    second = member_a_client.get(reverse("maturity:model_detail", args=[other.key]))
    assert f"<h1>{escape(rubric.name)}</h1>" in first
    assert f"<h1>{escape(other.name)}</h1>" in second.content.decode()
    assert member_a_client.get("/model/no-such-model/").status_code == 404
