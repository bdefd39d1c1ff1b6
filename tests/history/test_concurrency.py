"""Two people pressing "Start" on two experiments of one team at the same
moment: the team still ends up with exactly one running experiment."""

import threading

import pytest
from django.db import connection, connections

from experiments.models import Experiment, ExperimentChanged, ExperimentError
from tests.history.factories import make_experiment

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def _race(targets):
    barrier = threading.Barrier(len(targets))
    outcomes = []

    def run(target):
        try:
            barrier.wait()
            target()
            outcomes.append("ok")
        except (ExperimentError, ExperimentChanged) as error:
            outcomes.append(type(error).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_simultaneous_starts_leave_one_running(rubric, team_a, member_a):
    planned = [make_experiment(team_a) for _ in range(4)]
    outcomes = _race([lambda e=e: Experiment.objects.get(pk=e.pk).start(member_a) for e in planned])
    assert outcomes.count("ok") == 1
    assert outcomes.count("TeamAlreadyRunning") == 3
    assert Experiment.objects.filter(team=team_a, status="running").count() == 1


def test_simultaneous_edits_from_one_version_keep_exactly_one(rubric, team_a, member_a):
    experiment = make_experiment(team_a)
    version = experiment.version
    outcomes = _race(
        [
            lambda i=i: Experiment.objects.get(pk=experiment.pk).edit(
                {"change": f"edit {i}"}, member_a, expected_version=version
            )
            for i in range(4)
        ]
    )
    assert outcomes.count("ok") == 1
    assert outcomes.count("ExperimentChanged") == 3
    experiment.refresh_from_db()
    assert experiment.version == version + 1
