"""`make run` shows the demo team with a history and a running experiment."""

from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from experiments.models import Experiment
from teams.models import Team
from workshops.models import Workshop


def test_demo_team_has_a_history_with_a_running_experiment(db, settings, rubric, client):
    settings.DEBUG = True
    call_command("seed_demo")
    team = Team.objects.get(slug="repeat-prescriptions")
    closed = Workshop.objects.filter(team=team, status="closed")
    assert closed.count() >= 3
    assert all(w.rubric["areas"] and w.facilitator.username == "facilitator" for w in closed)
    assert len({tuple(w.scores.values_list("score", flat=True)) for w in closed}) > 1
    statuses = set(Experiment.objects.filter(team=team).values_list("status", flat=True))
    assert {"running", "finished", "stopped"} <= statuses
    assert Experiment.objects.filter(team=team, status="running").count() == 1

    client.force_login(User.objects.get(username="member"))
    content = client.get(reverse("teams:detail", args=[team.slug])).content.decode()
    assert "app-chart__svg--radar" in content
    assert "Running" in content


def test_demo_team_has_a_history_on_a_second_model_on_its_own_scale(db, settings, rubric, client):
    settings.DEBUG = True
    call_command("seed_demo")
    team = Team.objects.get(slug="repeat-prescriptions")
    review = Workshop.objects.filter(team=team, model__key="engineering-quality")
    assert review.count() == 2
    for workshop in review:
        scores = list(workshop.scores.values_list("score", flat=True))
        assert len(scores) == len(workshop.areas)
        assert all(1 <= s <= workshop.highest_level for s in scores)
    client.force_login(User.objects.get(username="member"))
    content = client.get(reverse("teams:detail", args=[team.slug])).content.decode()
    assert "Engineering quality review" in content
    assert "Product team maturity model" in content
