"""The choose and experiment steps show what other teams learned in each area."""

from django.urls import reverse

from tests.playbook.factories import make_entry


def _present_at(client, workshop, step):
    workshop.step = step
    workshop.save(update_fields=["step"])
    return client.get(reverse("workshops:present", args=[workshop.pk])).content.decode()


def test_choose_step_shows_playbook_entries_for_each_area(facilitator_client, workshop, team_b):
    make_entry(team_b, title="Showing the thing, not papers", area_key="collaboration")
    choose_step = len(workshop.areas) + 1

    content = _present_at(facilitator_client, workshop, choose_step)

    assert "Showing the thing, not papers" in content
    assert "No team has shared an experiment in this area yet." in content  # the other areas


def test_experiment_step_shows_entries_for_the_chosen_area_only(
    facilitator_client, workshop, team_b
):
    from maturity.models import Area

    make_entry(team_b, title="Weekly releases behind a flag", area_key="delivery")
    make_entry(team_b, title="Rotating the stand-up", area_key="approach")
    workshop.chosen_area = Area.objects.get(key="delivery")
    workshop.save(update_fields=["chosen_area"])

    content = _present_at(facilitator_client, workshop, len(workshop.areas) + 2)

    assert "Weekly releases behind a flag" in content
    assert "Rotating the stand-up" not in content
