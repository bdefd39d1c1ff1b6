"""Two people changing one experiment through its pages at the same moment,
on PostgreSQL with real threads: one change wins, the other is told and
keeps their text (409), nothing is overwritten silently, no note is lost.
(tests/history/test_concurrency.py races the model methods themselves.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from experiments.models import Experiment
from teams.models import Membership
from tests.conftest import make_user
from tests.history.factories import make_experiment
from tests.threads import race, signed_in

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.fixture
def teammates(rubric, team_a, member_a):
    other = make_user("sam")
    Membership.objects.create(team=team_a, user=other)
    return signed_in(member_a), signed_in(other)


def url(name, experiment):
    return reverse(f"experiments:{name}", args=[experiment.pk])


def test_two_plan_edits_at_once_keep_one_and_tell_the_other(team_a, teammates):
    experiment = make_experiment(team_a)
    version = experiment.version
    plans = [
        {"change": f"plan {who}", "outcome": "o", "signal": "s", "version": version}
        for who in ("one", "two")
    ]
    responses = race(
        [(c, url("edit", experiment), p) for c, p in zip(teammates, plans, strict=True)]
    )

    assert not [r for r in responses if isinstance(r, Exception)], responses
    assert sorted(r.status_code for r in responses) == [302, 409]
    experiment.refresh_from_db()
    assert experiment.version == version + 1
    winner = next(p for p, r in zip(plans, responses, strict=True) if r.status_code == 302)
    loser, refused = next(
        (p, r) for p, r in zip(plans, responses, strict=True) if r.status_code == 409
    )
    assert experiment.change == winner["change"]
    page = refused.content.decode()
    assert "Someone else changed this experiment" in page
    assert loser["change"] in page and winner["change"] in page  # theirs kept, the saved shown


def test_finishing_while_the_review_date_moves_keeps_one(team_a, teammates):
    experiment = make_experiment(team_a, status="running")
    version = experiment.version
    today = timezone.localdate()
    finish = {
        "result": "supported",
        "learning": "Pairing helps.",
        "finished_on": today.isoformat(),
        "version": version,
    }
    move = {
        "review_date": (today + timedelta(weeks=3)).isoformat(),
        "reason": "Leave",
        "version": version,
    }
    first, second = teammates
    responses = race(
        [(first, url("finish", experiment), finish), (second, url("review_date", experiment), move)]
    )

    assert not [r for r in responses if isinstance(r, Exception)], responses
    assert sorted(r.status_code for r in responses) == [302, 409]
    experiment.refresh_from_db()
    assert experiment.version == version + 1
    finished = responses[0].status_code == 302
    assert (experiment.status == "finished") is finished
    assert (experiment.review_date == today + timedelta(weeks=3)) is not finished


def test_notes_added_at_once_are_all_kept(team_a, teammates):
    experiment = make_experiment(team_a, status="running")
    clients = list(teammates) * 3
    responses = race(
        [(c, url("add_note", experiment), {"text": f"note {i}"}) for i, c in enumerate(clients)]
    )

    assert [getattr(r, "status_code", r) for r in responses] == [302] * len(clients)
    assert sorted(experiment.notes.values_list("text", flat=True)) == sorted(
        f"note {i}" for i in range(len(clients))
    )
    assert Experiment.objects.get(pk=experiment.pk).status == "running"
