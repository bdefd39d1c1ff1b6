"""The experiment's lifecycle rules, straight on the model."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from experiments.models import Experiment, ExperimentChanged, ExperimentError, TeamAlreadyRunning
from tests.history.factories import make_experiment

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(rubric, team_a):
    return make_experiment(team_a)


@pytest.fixture
def running(rubric, team_a):
    return make_experiment(team_a, status="running")


def test_start_moves_a_planned_experiment_to_running(planned, member_a):
    planned.start(member_a)
    assert planned.status == "running"
    assert planned.started_on == timezone.localdate()
    assert planned.version == 2
    assert planned.history.first().history_user == member_a


def test_a_team_runs_one_experiment_at_a_time(running, planned, member_a):
    with pytest.raises(TeamAlreadyRunning) as error:
        planned.start(member_a)
    assert error.value.running == running
    planned.refresh_from_db()
    assert planned.status == "planned"


def test_the_database_refuses_two_running_experiments_for_one_team(running, team_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_experiment(team_a, status="running")


def test_another_team_may_run_its_own_experiment(running, team_b, member_b):
    other = make_experiment(team_b)
    other.start(member_b)
    assert other.status == "running"


def test_starting_twice_is_refused(running, member_a):
    with pytest.raises(ExperimentError, match="running"):
        running.start(member_a)


def test_finish_records_the_result(running, member_a):
    running.finish(
        "not_supported", learning="  Less than we hoped.  ", advice="Try it", by=member_a
    )
    assert running.status == "finished"
    assert running.result == "not_supported"
    assert running.learning == "Less than we hoped."


def test_finish_without_learning_is_refused_and_changes_nothing(running, member_a):
    with pytest.raises(ValidationError) as error:
        running.finish("supported", learning="   ", by=member_a)
    assert "learning" in error.value.message_dict
    running.refresh_from_db()
    assert running.status == "running"


def test_finish_before_the_start_is_refused(running, member_a):
    with pytest.raises(ValidationError) as error:
        running.finish(
            "supported",
            learning="x",
            by=member_a,
            finished_on=running.started_on - timedelta(days=1),
        )
    assert "on or after the start date" in error.value.message_dict["finished_on"][0]


def test_only_a_running_experiment_finishes(planned, member_a):
    with pytest.raises(ExperimentError):
        planned.finish("supported", learning="x", by=member_a)


def test_a_stale_save_is_refused_and_the_newer_one_kept(running, member_a, member_b):
    opened_at = running.version
    first = Experiment.objects.get(pk=running.pk)
    second = Experiment.objects.get(pk=running.pk)
    first.edit({"change": "first person's change"}, member_a, expected_version=opened_at)
    with pytest.raises(ExperimentChanged) as error:
        second.edit({"change": "second person's change"}, member_b, expected_version=opened_at)
    assert error.value.current.change == "first person's change"
    running.refresh_from_db()
    assert running.change == "first person's change"
    assert running.version == opened_at + 1


def test_review_date_change_keeps_the_reason(running, member_a):
    new = timezone.localdate() + timedelta(days=30)
    running.change_review_date(new, "Waiting for research results", member_a)
    assert running.review_date == new
    assert "Waiting for research results" in running.notes.first().text
    assert "Waiting for research results" in running.history.first().history_change_reason


def test_review_date_in_the_past_is_refused(running, member_a):
    with pytest.raises(ValidationError):
        running.change_review_date(timezone.localdate() - timedelta(days=1), "Oops", member_a)


def test_stop_keeps_the_reason_as_a_note(running, member_a):
    running.stop(member_a, reason="The team split")
    assert running.status == "stopped"
    assert running.notes.first().text == "Stopped: The team split"


def test_change_log_says_who_changed_what(planned, member_a):
    planned.start(member_a)
    log = planned.change_log()
    assert log[0]["what"] == "Created"
    assert log[-1]["who"] == "Alex"
    assert ("Status", "Planned", "Running") in log[-1]["changes"]


def test_review_state(running):
    today = timezone.localdate()
    running.review_date = today
    assert running.review_state(today) == "due"
    running.review_date = today - timedelta(days=1)
    assert running.review_state(today) == "overdue"
    running.review_date = today + timedelta(days=1)
    assert running.review_state(today) == ""
