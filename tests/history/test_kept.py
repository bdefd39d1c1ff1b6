"""A team's page and exports are kept under the versions of the rows they
show (core/kept.py): every change shows at once, however it was made, and
no team's history is ever served for another."""

from datetime import date

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from experiments.models import Experiment
from maturity.models import Area
from progress import history, views
from tests.history.factories import make_closed_workshop
from tests.kept import postgresql_only, tables_read
from workshops.models import AreaScore, Note

pytestmark = postgresql_only


def page(client, team, name="teams:detail") -> str:
    return client.get(reverse(name, args=[team.slug])).content.decode()


def test_each_drawing_reads_only_the_rows_its_key_is_made_from(two_workshops, team_a):
    """The rule that keeps them fresh: a table read but not in the key would
    serve an old page after it changed."""
    Note.objects.create(
        workshop=two_workshops[0], area=Area.objects.get(key="focus", model__is_default=True),
        kind="helps", text="A card", added_at=timezone.now(),
    )  # fmt: skip
    keyed = {source.table for source in history.team_record(team_a)}
    drawn = tables_read(lambda: views._history(team_a, timezone.localdate(), False, ""))
    assert drawn and drawn <= keyed, drawn - keyed
    keyed = {source.table for source in history.team_record(team_a, exports=True)}
    for export in (history.export_data, history.export_csv):
        drawn = tables_read(lambda export=export: export(team_a))
        assert drawn and drawn <= keyed, drawn - keyed


def test_a_change_made_any_way_shows_at_once(
    member_a_client, two_workshops, team_a, facilitator, monkeypatch
):
    drawn, draw = [], views._history
    monkeypatch.setattr(views, "_history", lambda *args: drawn.append(1) or draw(*args))
    page(member_a_client, team_a)
    page(member_a_client, team_a)
    assert len(drawn) == 1  # kept

    # Straight to the database, past every model method and signal.
    get_user_model().objects.filter(pk=facilitator.pk).update(first_name="Renamed")
    assert "Renamed" in page(member_a_client, team_a)
    Area.objects.filter(key="culture", model__is_default=True).update(name="Team spirit")
    assert "Team spirit" in page(member_a_client, team_a)
    older, _ = two_workshops
    AreaScore.objects.filter(workshop=older).update(score=5)
    assert 'data-score="5"' in page(member_a_client, team_a)
    Experiment.objects.filter(workshop=older).update(learning="NEW-LEARNING")
    assert "NEW-LEARNING" in page(member_a_client, team_a)
    assert "NEW-LEARNING" in page(member_a_client, team_a, "teams:export_csv")
    make_closed_workshop(team_a, facilitator, date(2026, 10, 1), [1, 1, 1, 1, 1])
    assert "1 October 2026" in page(member_a_client, team_a)
    assert len(drawn) == 6


def test_an_export_says_when_it_was_downloaded_each_time(member_a_client, two_workshops, team_a):
    url = reverse("teams:export_json", args=[team_a.slug])
    first = member_a_client.get(url).json()
    second = member_a_client.get(url).json()
    assert first["workshops"] == second["workshops"]
    assert first["exported_at"] < second["exported_at"]


def test_no_team_is_shown_another_teams_kept_history(
    client, member_a, member_b, team_a, team_b, facilitator, rubric
):
    """Two teams with the same scores on the same day: each member sees only
    their own team, after the other's page was kept."""
    for team in (team_a, team_b):
        make_closed_workshop(team, facilitator, date(2026, 5, 1), [3, 2, 4, 1, 5], notes=team.name)
    client.force_login(member_a)
    assert "Team A" in page(client, team_a)
    assert client.get(reverse("teams:export_csv", args=[team_b.slug])).status_code == 404
    client.force_login(member_b)
    mine = page(client, team_b)
    assert "Team B" in mine and "Team A" not in mine
    assert client.get(reverse("teams:detail", args=[team_a.slug])).status_code == 404
    export = page(client, team_b, "teams:export_json")
    assert "Team B" in export and "Team A" not in export


def test_each_model_a_team_used_is_kept_apart(member_a_client, two_models, team_a):
    url = reverse("teams:detail", args=[team_a.slug])
    for _ in range(2):  # drawn, then kept
        latest = member_a_client.get(url).content.decode()
        product = member_a_client.get(url, {"model": "product-team-maturity"}).content.decode()
        assert 'data-model="engineering-quality"' in latest
        assert 'data-model="product-team-maturity"' in product
        assert 'data-model="engineering-quality"' not in product
