"""A team's history as CSV and JSON: what goes out comes back the same."""

import csv
import io
import json

from django.urls import reverse

from experiments.models import Experiment
from workshops.models import AreaScore


def get_json(client, team):
    response = client.get(reverse("teams:export_json", args=[team.slug]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return json.loads(response.content)


def test_json_round_trip(member_a_client, team_a, two_workshops):
    data = get_json(member_a_client, team_a)
    assert data["team"] == {"name": "Team A", "slug": "team-a", "kind": "team"}
    older, newer = two_workshops
    assert [w["id"] for w in data["workshops"]] == [newer.pk, older.pk]
    for exported in data["workshops"]:
        scores = AreaScore.objects.filter(workshop_id=exported["id"]).order_by("area__order")
        assert [(s["area_key"], s["score"], s["helps"]) for s in exported["scores"]] == [
            (s.area.key, s.score, s.helps) for s in scores
        ]
        assert exported["rubric"]["model_key"] == older.model.key
        assert exported["rubric"]["as_of"]
    # The level text comes from the rubric the team scored against.
    first = data["workshops"][1]["scores"][0]
    level = older.rubric["areas"][0]["levels"][first["score"] - 1]
    assert first["level_descriptor"] == level["descriptor"]
    by_id = {e["id"]: e for e in data["experiments"]}
    for experiment in Experiment.objects.filter(team=team_a):
        exported = by_id[experiment.pk]
        assert exported["status"] == experiment.status
        assert exported["hypothesis"]["change"] == experiment.change
        assert exported["learning"] == experiment.learning
        assert exported["workshop_id"] == experiment.workshop_id


def test_json_keeps_the_old_rubric_text_after_an_admin_edit(member_a_client, team_a, two_workshops):
    older = two_workshops[0]
    level = older.model.areas.get(order=1).levels.get(number=2)
    old_text = level.descriptor
    level.descriptor = "Rewritten today"
    level.save()
    data = get_json(member_a_client, team_a)
    collaboration = data["workshops"][1]["scores"][0]
    assert collaboration["score"] == 2
    assert collaboration["level_descriptor"] == old_text


def test_csv_round_trip(member_a_client, team_a, two_workshops):
    response = member_a_client.get(reverse("teams:export_csv", args=[team_a.slug]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    scores = [r for r in rows if r["record"] == "score"]
    experiments = [r for r in rows if r["record"] == "experiment"]
    assert len(scores) == AreaScore.objects.filter(workshop__team=team_a).count()
    assert len(experiments) == Experiment.objects.filter(team=team_a).count()
    for row in scores:
        score = AreaScore.objects.get(workshop_id=row["workshop_id"], area__name=row["area"])
        assert int(row["score"]) == score.score
        assert row["helps"] == score.helps
        assert row["rubric_as_of"]
    for row in experiments:
        experiment = Experiment.objects.get(pk=row["experiment_id"])
        assert row["experiment_status"] == experiment.status
        assert row["learning"] == experiment.learning


def test_csv_defuses_spreadsheet_formulas(member_a_client, team_a, two_workshops):
    AreaScore.objects.filter(workshop=two_workshops[0]).update(helps="=HYPERLINK(1)")
    content = member_a_client.get(reverse("teams:export_csv", args=[team_a.slug])).content
    assert b",'=HYPERLINK(1)," in content
    assert b",=HYPERLINK" not in content


def test_exports_are_only_for_people_who_see_the_team(member_b_client, team_a, two_workshops):
    for name in ("teams:export_csv", "teams:export_json"):
        assert member_b_client.get(reverse(name, args=[team_a.slug])).status_code == 404
        assert member_b_client.post(reverse(name, args=[team_a.slug])).status_code == 405


def test_json_names_each_workshops_model_and_scale_in_format_2(member_a_client, team_a, two_models):
    data = get_json(member_a_client, team_a)
    assert data["format_version"] == 2
    by_id = {w["id"]: w for w in data["workshops"]}
    for workshop in two_models:
        rubric = by_id[workshop.pk]["rubric"]
        assert rubric["model_key"] == workshop.model.key
        assert rubric["model_name"] == workshop.model.name
        assert rubric["scale"] == workshop.rubric["scale"]
    engineering = by_id[two_models[-1].pk]["rubric"]
    assert engineering["model_key"] == "engineering-quality"
    assert [p["number"] for p in engineering["scale"]] == [1, 2, 3, 4]
    assert engineering["scale"][0]["label"] == "Starting"
    assert len(by_id[two_models[0].pk]["rubric"]["scale"]) == 5
    experiments = {e["workshop_id"]: e for e in data["experiments"]}
    for workshop in two_models:
        assert experiments[workshop.pk]["model_key"] == workshop.model.key
        assert experiments[workshop.pk]["model_name"] == workshop.model.name


def test_csv_names_the_model_and_scale_size_of_every_row(member_a_client, team_a, two_models):
    response = member_a_client.get(reverse("teams:export_csv", args=[team_a.slug]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    models = {w.pk: w.model for w in two_models}
    sizes = {"engineering-quality": "4", "product-team-maturity": "5"}
    scores = [r for r in rows if r["record"] == "score"]
    assert {r["rubric_model"] for r in scores} == set(sizes)
    for row in scores:
        model = models[int(row["workshop_id"])]
        assert row["rubric_model"] == model.key
        assert row["rubric_model_name"] == model.name
        assert row["scale_size"] == sizes[model.key]
    experiments = [r for r in rows if r["record"] == "experiment"]
    assert len(experiments) == 4
    for row in experiments:
        assert row["rubric_model"] == models[int(row["workshop_id"])].key


def test_exports_hold_the_visible_cards_without_authors(member_a_client, team_a, two_workshops):
    """Cards shown on the screen and not hidden go out (JSON `cards`, CSV
    rows with `record` = `card`); hidden and never-shown notes do not, and
    nothing says who wrote a note."""
    from workshops.models import Note, Participant

    older = two_workshops[0]
    area = older.scores.order_by("area__order").first().area
    person = Participant.objects.create(workshop=older, display_name="Secret Author")
    for text, hidden in (("=Shown card", False), ("Hidden card", True)):
        Note.objects.create(
            workshop=older, participant=person, area=area, kind="helps", text=text, hidden=hidden
        )
    other_area = older.scores.order_by("area__order").last().area
    Note.objects.create(
        workshop=older, participant=person, area=other_area, kind="helps", text="Never shown"
    )
    AreaScore.objects.filter(workshop=older, area=area).update(notes_shown_at="2026-03-10T10:00Z")
    data = get_json(member_a_client, team_a)
    exported = {w["id"]: w for w in data["workshops"]}
    assert exported[older.pk]["cards"] == [
        {
            "area": area.name,
            "area_key": area.key,
            "kind": "helps",
            "text": "=Shown card",
            "in_agreed_notes": False,
        }
    ]
    assert exported[two_workshops[1].pk]["cards"] == []
    response = member_a_client.get(reverse("teams:export_csv", args=[team_a.slug]))
    body = response.content.decode()
    rows = [r for r in csv.DictReader(io.StringIO(body)) if r["record"] == "card"]
    assert [(r["area"], r["card_kind"], r["card_text"]) for r in rows] == [
        (area.name, "helps", "'=Shown card")
    ]
    assert "Secret Author" not in body and "Hidden card" not in body and "Never shown" not in body
