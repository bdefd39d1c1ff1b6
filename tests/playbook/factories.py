"""Small factories for playbook tests: finished experiments and entries."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from experiments.models import Experiment
from maturity.models import Area
from playbook.models import Adoption, Entry
from teams.models import Team


def area(key: str = "delivery") -> Area:
    return Area.objects.get(model__is_default=True, key=key)


def make_experiment(team: Team, *, area_key: str = "delivery", finished: bool = True, **extra):
    values = {
        "team": team,
        "area": area(area_key),
        "change": "we release every week behind a feature flag",
        "outcome": "fewer surprises for users and less stress on release day",
        "signal": "no rollbacks and a release every Thursday for six weeks",
        "review_date": date.today() + timedelta(weeks=6),
    }
    if finished:
        values.update(
            status=Experiment.Status.FINISHED,
            started_on=date(2026, 9, 1),
            finished_on=date(2026, 10, 13),
            result=Experiment.Result.SUPPORTED,
            what_happened="We shipped six small releases behind a flag.",
            learning="Small releases made rollback boring.",
            advice="Agree the flag's owner before you start.",
        )
    values.update(extra)
    return Experiment.objects.create(**values)


def make_entry(
    team: Team,
    *,
    title: str = "Releasing weekly behind a flag",
    area_key: str = "delivery",
    status: str = Entry.Status.PUBLISHED,
    experiment: Experiment | None = None,
    **extra,
) -> Entry:
    experiment = experiment or make_experiment(team, area_key=area_key)
    values = {
        "experiment": experiment,
        "team": team,
        "area": experiment.area,
        "title": title,
        "problem": "Releases were big, rare and frightening.",
        "hypothesis": experiment.hypothesis,
        "what_we_did": "We released every Thursday with new work behind a flag.",
        "duration": "6 weeks",
        "result": experiment.result or Experiment.Result.SUPPORTED,
        "learning": "Small releases made rollback boring.",
        "advice": "Agree the flag's owner before you start.",
        "status": status,
        "published_at": timezone.now() if status == Entry.Status.PUBLISHED else None,
    }
    values.update(extra)
    entry = Entry(**values)
    entry.save_with_slug()
    return entry


def make_adoption(entry: Entry, team: Team, *, show_team_name: bool = True, **extra) -> Adoption:
    experiment = make_experiment(team, area_key=entry.area.key, finished=False, **extra)
    return Adoption.objects.create(
        entry=entry, experiment=experiment, show_team_name=show_team_name
    )
