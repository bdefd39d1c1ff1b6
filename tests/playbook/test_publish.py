"""Publishing a finished experiment: form, preview, publish, withdraw."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from experiments.models import Experiment
from playbook.forms import seen_token
from playbook.models import Entry
from tests.playbook.factories import make_entry, make_experiment


def form_data(**overrides) -> dict:
    data = {
        "title": "Releasing weekly behind a flag",
        "area": "",
        "problem": "Releases were big and rare.",
        "hypothesis": "We believe that weekly releases will result in calm.",
        "what_we_did": "Released every Thursday.",
        "duration": "6 weeks",
        "result": "supported",
        "learning": "Rollback got boring.",
        "advice": "Agree who owns the flag.",
        "show_team_name": "True",
    }
    data.update(overrides)
    return data


@pytest.fixture
def experiment(team_a):
    return make_experiment(team_a)


def publish_url(experiment) -> str:
    return reverse("playbook:publish", args=[experiment.pk])


def preview_url(experiment) -> str:
    return reverse("playbook:preview", args=[experiment.pk])


def test_form_is_prefilled_from_the_experiment(member_a_client, experiment):
    page = member_a_client.get(publish_url(experiment)).content.decode()
    assert 'value="We release every week behind a feature flag"' in page
    assert "Small releases made rollback boring." in page
    assert 'value="6 weeks"' in page
    assert 'value="True" checked' in page


def test_the_problem_is_filled_in_from_what_the_workshop_said_holds_the_team_back(
    member_a_client, team_a, facilitator, rubric
):
    from workshops.models import AreaScore, Workshop

    workshop = Workshop.objects.create(team=team_a, facilitator=facilitator, model=rubric)
    for key, holds_back in (("delivery", "Releases wait weeks for approval."), ("focus", "X")):
        AreaScore.objects.create(
            workshop=workshop, area=rubric.areas.get(key=key), score=2, holds_back=holds_back
        )
    experiment = make_experiment(team_a, workshop=workshop)
    page = member_a_client.get(publish_url(experiment)).content.decode()
    problem = page.split('name="problem"', 1)[1].split("</textarea>", 1)[0]
    assert problem.endswith(">Releases wait weeks for approval.")


def test_an_experiment_started_from_the_playbook_starts_from_the_entry_problem(
    member_a_client, team_a, team_b
):
    from playbook.models import Adoption

    entry = make_entry(team_b)
    experiment = make_experiment(team_a)
    Adoption.objects.create(entry=entry, experiment=experiment)
    page = member_a_client.get(publish_url(experiment)).content.decode()
    assert "Releases were big, rare and frightening.</textarea>" in page


def test_publish_goes_through_a_preview_that_shows_what_others_see(member_a_client, experiment):
    data = form_data(area=experiment.area_id, show_team_name="False")
    response = member_a_client.post(publish_url(experiment), data)
    assert response.status_code == 302
    assert response["Location"] == preview_url(experiment)
    entry = Entry.objects.get(experiment=experiment)
    assert entry.status == Entry.Status.DRAFT
    assert entry.team == experiment.team
    assert not entry.show_team_name

    preview = member_a_client.get(preview_url(experiment)).content.decode()
    assert "Check your entry before publishing" in preview
    assert "An NHS product team" in preview
    assert "Team A" not in preview.split("<main", 1)[1]
    assert "Rollback got boring." in preview

    response = member_a_client.post(preview_url(experiment))
    entry.refresh_from_db()
    assert response["Location"] == reverse("playbook:entry", args=[entry.slug])
    assert entry.status == Entry.Status.PUBLISHED and entry.published_at


def test_preview_never_shows_the_team_scores(member_a_client, team_a, facilitator, rubric):
    from workshops.models import AreaScore, Workshop

    workshop = Workshop.objects.create(team=team_a, facilitator=facilitator, model=rubric)
    AreaScore.objects.create(
        workshop=workshop,
        area=rubric.areas.get(key="delivery"),
        score=2,
        helps="SECRET-HELPS-NOTE",
        holds_back="SECRET-HOLDS-BACK",
    )
    experiment = make_experiment(team_a, workshop=workshop)
    member_a_client.post(publish_url(experiment), form_data(area=experiment.area_id))
    preview = member_a_client.get(preview_url(experiment)).content.decode()
    main = preview.split("<main", 1)[1].split("</main>", 1)[0].lower()
    assert "secret-" not in main
    assert "score" not in main.replace("scores are never shown", "")


def test_empty_required_fields_are_explained_and_nothing_is_lost(member_a_client, experiment):
    data = form_data(area=experiment.area_id, problem="   ", learning="")
    response = member_a_client.post(publish_url(experiment), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Describe the problem the team faced." in page
    assert "Describe what the team learned." in page
    assert "Agree who owns the flag." in page
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"area": "999"}, "Choose an area from the list."),
        ({"result": "maybe"}, "Choose a result from the list."),
        ({"show_team_name": "perhaps"}, "Choose whether to show your team"),
        ({"title": "x" * 500}, "Ensure this value has at most 120 characters"),
    ],
)
def test_bad_values_are_refused_next_to_the_field(member_a_client, experiment, overrides, message):
    data = form_data(**{"area": experiment.area_id, **overrides})
    page = member_a_client.post(publish_url(experiment), data).content.decode()
    assert message in page
    assert not Entry.objects.exists()


def test_the_same_title_twice_gets_a_second_slug(member_a_client, team_a):
    first, second = make_experiment(team_a), make_experiment(team_a)
    for experiment in (first, second):
        member_a_client.post(publish_url(experiment), form_data(area=experiment.area_id))
        member_a_client.post(preview_url(experiment))
    assert sorted(Entry.objects.values_list("slug", flat=True)) == [
        "releasing-weekly-behind-a-flag",
        "releasing-weekly-behind-a-flag-2",
    ]


@pytest.mark.parametrize("status", ["planned", "running", "stopped"])
def test_an_unfinished_experiment_is_refused_clearly(member_a_client, team_a, status):
    experiment = make_experiment(team_a, finished=False, status=status)
    for response in (
        member_a_client.get(publish_url(experiment)),
        member_a_client.post(publish_url(experiment), form_data(area=experiment.area_id)),
        member_a_client.get(preview_url(experiment)),
        member_a_client.post(preview_url(experiment)),
    ):
        assert response.status_code == 409
        assert "This experiment is not finished yet" in response.content.decode()
    assert not Entry.objects.exists()


def test_another_team_cannot_publish_our_experiment(member_b_client, experiment):
    assert member_b_client.get(publish_url(experiment)).status_code == 403
    response = member_b_client.post(publish_url(experiment), form_data(area=experiment.area_id))
    assert response.status_code == 403
    assert member_b_client.post(preview_url(experiment)).status_code == 403
    assert not Entry.objects.exists()


def test_unknown_experiment_is_404(member_a_client, db):
    assert member_a_client.get(reverse("playbook:publish", args=[9999])).status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(client, experiment):
    assert client.get(publish_url(experiment)).status_code == 302


def test_wrong_methods_are_refused(member_a_client, experiment):
    assert member_a_client.put(publish_url(experiment)).status_code == 405
    assert member_a_client.delete(preview_url(experiment)).status_code == 405


def test_preview_without_a_draft_goes_back_to_the_form(member_a_client, experiment):
    response = member_a_client.get(preview_url(experiment))
    assert response["Location"] == publish_url(experiment)


def test_a_published_entry_is_withdrawn_before_it_is_changed(member_a_client, team_a):
    entry = make_entry(team_a)
    response = member_a_client.get(publish_url(entry.experiment))
    assert response["Location"] == reverse("playbook:entry", args=[entry.slug])

    response = member_a_client.post(reverse("playbook:withdraw", args=[entry.slug]))
    entry.refresh_from_db()
    assert entry.status == Entry.Status.WITHDRAWN
    page = member_a_client.get(publish_url(entry.experiment)).content.decode()
    assert f'value="{entry.title}"' in page

    member_a_client.post(
        publish_url(entry.experiment),
        form_data(area=entry.area_id, title="A better title", seen=seen_token(entry)),
    )
    member_a_client.post(preview_url(entry.experiment))
    entry.refresh_from_db()
    assert entry.status == Entry.Status.PUBLISHED
    assert entry.title == "A better title"
    assert entry.slug == "releasing-weekly-behind-a-flag"


def test_withdraw_is_for_the_team_only(member_b_client, team_a):
    entry = make_entry(team_a)
    url = reverse("playbook:withdraw", args=[entry.slug])
    assert member_b_client.post(url).status_code == 403
    assert member_b_client.get(url).status_code == 405
    entry.refresh_from_db()
    assert entry.status == Entry.Status.PUBLISHED


def test_withdraw_an_unknown_entry_is_404(member_a_client, db):
    assert member_a_client.post(reverse("playbook:withdraw", args=["nope"])).status_code == 404


def test_republishing_a_hidden_entry_keeps_it_hidden(member_a_client, team_a, admin_user):
    entry = make_entry(team_a, status=Entry.Status.WITHDRAWN)
    entry.hide("Mentions a supplier by name.", by=admin_user)
    entry.refresh_from_db()
    member_a_client.post(
        publish_url(entry.experiment), form_data(area=entry.area_id, seen=seen_token(entry))
    )
    preview = member_a_client.get(preview_url(entry.experiment)).content.decode()
    assert "Mentions a supplier by name." in preview
    member_a_client.post(preview_url(entry.experiment))
    entry.refresh_from_db()
    assert entry.status == Entry.Status.PUBLISHED and entry.hidden
    assert not Entry.objects.published().exists()


def test_finished_experiment_result_is_kept_when_the_team_changes_nothing(member_a_client, team_a):
    experiment = make_experiment(team_a, result=Experiment.Result.NOT_SUPPORTED)
    page = member_a_client.get(publish_url(experiment)).content.decode()
    assert '<option value="not_supported" selected>' in page


def test_an_experiment_without_a_result_makes_the_team_choose_one(member_a_client, team_a):
    experiment = make_experiment(team_a, result="")
    page = member_a_client.get(publish_url(experiment)).content.decode()
    assert '<option value="" selected>Choose a result</option>' in page
    data = form_data(area=experiment.area_id, result="")
    assert (
        "Choose the result." in member_a_client.post(publish_url(experiment), data).content.decode()
    )


def test_two_teammates_writing_at_once_keep_the_first_and_tell_the_second(
    member_a_client, experiment
):
    from unittest import mock

    from django.db import IntegrityError

    with mock.patch.object(Entry, "save_with_slug", side_effect=IntegrityError):
        response = member_a_client.post(
            publish_url(experiment), form_data(area=experiment.area_id, title="Mine")
        )
    assert response.status_code == 409
    assert "saved this entry while you were writing it" in response.content.decode()
    assert 'value="Mine"' in response.content.decode()


def test_saving_over_a_teammates_newer_draft_is_refused_with_both_texts(member_a_client, team_a):
    entry = make_entry(team_a, status=Entry.Status.DRAFT, title="Theirs")
    opened = member_a_client.get(publish_url(entry.experiment)).content.decode()
    seen = seen_token(entry)
    assert f'name="seen" value="{seen}"' in opened
    Entry.objects.filter(pk=entry.pk).update(
        advice="Their newer advice.", updated_at=timezone.now()
    )

    data = form_data(area=entry.area_id, title="Mine", seen=seen)
    response = member_a_client.post(publish_url(entry.experiment), data)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Their newer advice." in page and 'value="Mine"' in page
    entry.refresh_from_db()
    assert (entry.title, entry.advice) == ("Theirs", "Their newer advice.")

    # Saving again, having seen theirs, keeps this person's text on purpose.
    fresh = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    response = member_a_client.post(publish_url(entry.experiment), {**data, "seen": fresh})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Mine"
