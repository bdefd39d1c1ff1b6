"""The experiment page and its forms: right person, wrong person, wrong
method, bad input, and two people at once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from experiments.models import Experiment
from tests.conftest import client_for, make_user
from tests.history.factories import make_closed_workshop, make_experiment


@pytest.fixture
def running(rubric, team_a):
    return make_experiment(team_a, status="running")


def url(name, experiment):
    return reverse(f"experiments:{name}", args=[experiment.pk])


def test_member_sees_the_hypothesis_and_change_log(member_a_client, running):
    response = member_a_client.get(url("detail", running))
    content = response.content.decode()
    assert response.status_code == 200
    assert "we pair on every story" in content
    assert "Change log" in content
    assert "Record the result" in content


def test_facilitator_of_the_teams_workshop_and_admin_see_it(
    client, rubric, team_a, facilitator, admin_user
):
    workshop = make_closed_workshop(team_a, facilitator, timezone.localdate(), [3] * 5)
    for person in (facilitator, admin_user):
        assert client_for(client, person).get(url("detail", workshop.experiment)).status_code == 200


def test_only_the_team_changes_its_experiment(client, rubric, team_a, facilitator, admin_user):
    """Facilitators of the team's workshops and admins read the experiment,
    but moving it along is the team's: they get 403 and no forms."""
    workshop = make_closed_workshop(team_a, facilitator, timezone.localdate(), [3] * 5)
    experiment = workshop.experiment
    before = (experiment.status, experiment.version)
    for person in (facilitator, admin_user):
        reader = client_for(client, person)
        page = reader.get(url("detail", experiment)).content.decode()
        assert url("add_note", experiment) not in page
        assert url("edit", experiment) not in page
        assert reader.get(url("edit", experiment)).status_code == 403
        assert reader.get(url("finish", experiment)).status_code == 403
        for name in ("start", "stop", "finish", "review_date", "add_note", "edit"):
            assert reader.post(url(name, experiment), {"text": "x"}).status_code == 403
    experiment.refresh_from_db()
    assert (experiment.status, experiment.version) == before
    assert not experiment.notes.exists()


def test_member_of_another_team_gets_404_everywhere(member_b_client, running):
    assert member_b_client.get(url("detail", running)).status_code == 404
    assert member_b_client.get(url("finish", running)).status_code == 404
    for name in ("start", "stop", "finish", "review_date", "add_note", "edit"):
        assert member_b_client.post(url(name, running), {"text": "x"}).status_code == 404
    running.refresh_from_db()
    assert running.status == "running" and not running.notes.exists()


def test_facilitator_of_another_team_gets_404(client, running):
    other = make_user("other-fac", groups=["Facilitators"])
    assert client_for(client, other).get(url("detail", running)).status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(client, running):
    response = client.get(url("detail", running))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_wrong_methods_are_refused(member_a_client, running):
    assert member_a_client.post(url("detail", running)).status_code == 405
    for name in ("start", "stop", "review_date", "add_note"):
        assert member_a_client.get(url(name, running)).status_code == 405
    assert member_a_client.put(url("finish", running)).status_code == 405


def test_start_then_a_second_start_says_so(member_a_client, rubric, team_a):
    planned = make_experiment(team_a)
    response = member_a_client.post(url("start", planned), follow=True)
    assert "Experiment started" in response.content.decode()
    response = member_a_client.post(url("start", planned), follow=True)
    assert "cannot be started" in response.content.decode()


def test_starting_while_another_runs_says_so_clearly(member_a_client, running, team_a):
    planned = make_experiment(team_a)
    page = member_a_client.get(url("detail", planned)).content.decode()
    assert "Your team is already running an experiment" in page
    response = member_a_client.post(url("start", planned), follow=True)
    assert "already running" in response.content.decode()
    planned.refresh_from_db()
    assert planned.status == "planned"


def finish_data(experiment, **overrides):
    data = {
        "version": experiment.version,
        "result": "supported",
        "what_happened": "We paired every day",
        "learning": "Pairing spreads knowledge",
        "advice": "Start small",
        "finished_on": timezone.localdate().isoformat(),
    }
    data.update(overrides)
    return data


def test_finish_records_the_result(member_a_client, running):
    response = member_a_client.post(url("finish", running), finish_data(running))
    assert response.status_code == 302
    running.refresh_from_db()
    assert running.status == "finished" and running.learning == "Pairing spreads knowledge"
    page = member_a_client.get(url("detail", running)).content.decode()
    assert "Hypothesis supported" in page
    assert reverse("playbook:publish", args=[running.pk]) in page


def test_finish_without_learning_says_so_and_keeps_the_rest(member_a_client, running):
    response = member_a_client.post(url("finish", running), finish_data(running, learning=" "))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Write what the team learned" in content
    assert 'id="id_learning-error"' in content
    assert "We paired every day" in content and "Start small" in content
    running.refresh_from_db()
    assert running.status == "running"


def test_finish_before_the_start_says_so(member_a_client, running):
    before = (running.started_on - timedelta(days=1)).isoformat()
    response = member_a_client.post(
        url("finish", running), finish_data(running, finished_on=before)
    )
    assert response.status_code == 200
    assert "on or after the start date" in response.content.decode()


def test_finish_with_nonsense_says_so(member_a_client, running):
    response = member_a_client.post(
        url("finish", running), finish_data(running, result="maybe", finished_on="31/02/2026")
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in content or "Choose whether" in content
    assert "Enter a real date" in content


def test_the_second_of_two_finishes_sees_both_versions(client, running, member_a, rubric):
    colleague = make_user("casey")
    running.team.memberships.create(user=colleague)
    opened = finish_data(running)
    first = client_for(client, member_a).post(
        url("finish", running), {**opened, "learning": "First learning"}
    )
    assert first.status_code == 302
    # Someone else with the same page open: the experiment is finished now, so
    # the finish form is gone; editing the review date from a stale page shows both.
    second = make_experiment(running.team, status="planned")
    stale = second.version
    second.edit({"change": "changed by Alex"}, member_a, expected_version=stale)
    response = client_for(client, colleague).post(
        url("edit", second),
        {
            "version": stale,
            "change": "changed by Casey",
            "outcome": "o",
            "signal": "s",
            "first_actions": "",
        },
    )
    content = response.content.decode()
    assert response.status_code == 409
    assert "changed while you were editing" in content
    assert "changed by Alex" in content  # the saved version
    assert "changed by Casey" in content  # theirs, still in the form
    second.refresh_from_db()
    assert second.change == "changed by Alex"
    # Saving again from that page (now at the new version) goes through.
    response = client_for(client, colleague).post(
        url("edit", second),
        {
            "version": second.version,
            "change": "changed by Casey",
            "outcome": "o",
            "signal": "s",
            "first_actions": "",
        },
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.change == "changed by Casey"


def test_review_date_change_with_a_reason(member_a_client, running):
    new = timezone.localdate() + timedelta(days=40)
    response = member_a_client.post(
        url("review_date", running),
        {"version": running.version, "review_date": new.isoformat(), "reason": "Holidays"},
        follow=True,
    )
    assert "Review date changed" in response.content.decode()
    running.refresh_from_db()
    assert running.review_date == new
    assert "Holidays" in running.notes.first().text


def test_review_date_in_the_past_says_so_and_keeps_the_reason(member_a_client, running):
    past = timezone.localdate() - timedelta(days=2)
    response = member_a_client.post(
        url("review_date", running),
        {"version": running.version, "review_date": past.isoformat(), "reason": "Holidays"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "The review date must be today or later" in content
    assert 'value="Holidays"' in content


def test_review_date_without_a_reason_says_so(member_a_client, running):
    new = timezone.localdate() + timedelta(days=40)
    response = member_a_client.post(
        url("review_date", running),
        {"version": running.version, "review_date": new.isoformat(), "reason": ""},
    )
    assert response.status_code == 200
    assert "Say why the review date is changing" in response.content.decode()


def test_stale_review_date_change_shows_both_dates(member_a_client, running, member_a):
    stale = running.version
    running.change_review_date(
        timezone.localdate() + timedelta(days=20), "Moved by someone else", member_a
    )
    new = timezone.localdate() + timedelta(days=50)
    response = member_a_client.post(
        url("review_date", running),
        {"version": stale, "review_date": new.isoformat(), "reason": "Mine"},
    )
    content = response.content.decode()
    assert response.status_code == 409
    assert "changed while you were editing" in content
    assert 'value="Mine"' in content


def test_progress_notes(member_a_client, running):
    response = member_a_client.post(url("add_note", running), {"text": "Week one went well"})
    assert response.status_code == 302
    page = member_a_client.get(url("detail", running)).content.decode()
    assert "Week one went well" in page
    response = member_a_client.post(url("add_note", running), {"text": "   "})
    assert response.status_code == 200
    assert "Write the note before adding it" in response.content.decode()


def test_over_long_note_is_refused_with_a_message(member_a_client, running):
    response = member_a_client.post(url("add_note", running), {"text": "x" * 2001})
    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()


def test_stop_with_a_reason(member_a_client, running):
    response = member_a_client.post(url("stop", running), {"reason": "Team split"}, follow=True)
    assert "Experiment stopped" in response.content.decode()
    running.refresh_from_db()
    assert running.status == "stopped"
    response = member_a_client.post(url("stop", running), follow=True)
    assert "already stopped" in response.content.decode()


def test_finish_page_of_a_planned_experiment_explains(member_a_client, rubric, team_a):
    planned = make_experiment(team_a)
    response = member_a_client.get(url("finish", planned), follow=True)
    assert "Only a running experiment can be finished" in response.content.decode()


def test_edit_with_an_empty_hypothesis_part_says_so(member_a_client, running):
    response = member_a_client.post(
        url("edit", running),
        {"version": running.version, "change": "  ", "outcome": "o", "signal": "s"},
    )
    assert response.status_code == 200
    assert "cannot be empty" in response.content.decode() or "required" in response.content.decode()


def test_finished_experiment_cannot_be_edited(member_a_client, rubric, team_a):
    done = make_experiment(team_a, status="finished")
    response = member_a_client.get(url("edit", done), follow=True)
    assert "can no longer change" in response.content.decode()
    assert Experiment.objects.get(pk=done.pk).version == 1


def test_a_stale_finish_shows_both_versions_and_keeps_the_typed_result(client, running, member_a):
    colleague = make_user("casey")
    running.team.memberships.create(user=colleague)
    opened = finish_data(running, learning="Casey's learning", what_happened="Casey's story")
    # Alex edits the plan after Casey opened the finish form.
    running.edit({"signal": "a new signal from Alex"}, member_a, expected_version=running.version)
    response = client_for(client, colleague).post(url("finish", running), opened)
    content = response.content.decode()
    assert response.status_code == 409
    assert "changed while you were editing" in content
    assert "Alex saved a change" in content
    # Nothing of the result was saved yet: all five answers differ from the saved ones.
    assert content.count(">Different</strong>") == 5
    assert "Casey&#x27;s learning" in content and "Casey&#x27;s story" in content
    running.refresh_from_db()
    assert running.status == "running" and running.signal == "a new signal from Alex"
    # The re-shown form carries the new version: saving again finishes it.
    response = client_for(client, colleague).post(
        url("finish", running), {**opened, "version": running.version}
    )
    assert response.status_code == 302
    running.refresh_from_db()
    assert running.status == "finished" and running.learning == "Casey's learning"


def test_a_review_date_typed_the_uk_way_is_understood(member_a_client, running):
    new = timezone.localdate() + timedelta(days=40)
    member_a_client.post(
        url("review_date", running),
        {"version": running.version, "review_date": f"{new:%d/%m/%Y}", "reason": "Typed"},
    )
    running.refresh_from_db()
    assert running.review_date == new


def test_experiment_page_queries_do_not_grow_with_notes_and_changes(
    member_a_client, running, member_a, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        member_a_client.get(url("detail", running))
    for i in range(20):
        running.notes.create(author=member_a, text=f"note {i}")
        running.edit({"first_actions": f"step {i}"}, member_a)
    with django_assert_max_num_queries(len(few)):
        response = member_a_client.get(url("detail", running))
    assert response.content.decode().count("app-note__meta") == 20


def test_finished_experiment_links_to_its_playbook_entry_once_published(
    member_a_client, team_a, rubric
):
    from tests.playbook.factories import make_entry, make_experiment

    experiment = make_experiment(team_a)
    url = reverse("experiments:detail", args=[experiment.pk])
    assert "Publish to the playbook" in member_a_client.get(url).content.decode()

    entry = make_entry(team_a, experiment=experiment)
    content = member_a_client.get(url).content.decode()
    assert "Publish to the playbook" not in content
    assert reverse("playbook:entry", args=[entry.slug]) in content


def test_experiment_started_from_an_entry_links_back_to_it(member_a_client, team_a, team_b, rubric):
    from tests.playbook.factories import make_adoption, make_entry

    entry = make_entry(team_b)
    adoption = make_adoption(entry, team_a)
    url = reverse("experiments:detail", args=[adoption.experiment.pk])
    content = member_a_client.get(url).content.decode()
    assert "Started from" in content
    assert reverse("playbook:entry", args=[entry.slug]) in content

    # Finished and published in turn: both entries, each in its own place.
    experiment = adoption.experiment
    Experiment.objects.filter(pk=experiment.pk).update(
        status=Experiment.Status.FINISHED, result="supported", learning="It helped"
    )
    own = make_entry(team_a, title="Our own take on it", experiment=experiment)
    content = member_a_client.get(url).content.decode()
    started_from = content.partition("Started from")[2].split("</dd>")[0]
    assert reverse("playbook:entry", args=[entry.slug]) in started_from
    assert f'In the playbook: <a href="{reverse("playbook:entry", args=[own.slug])}">' in content
