"""Two members of a team publishing the same experiment at the same moment,
on PostgreSQL with real threads: one entry, no 500, both sent somewhere sensible."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from playbook.forms import seen_token
from playbook.models import Entry
from teams.models import Membership
from tests.conftest import make_user
from tests.playbook.factories import make_entry, make_experiment
from tests.threads import race, signed_in

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.fixture
def teammates(team_a, member_a):
    others = [make_user(f"mate{i}") for i in range(3)]
    for other in others:
        Membership.objects.create(team=team_a, user=other)
    return [signed_in(user) for user in (member_a, *others)]


def entry_form(title: str, area) -> dict:
    return {
        "title": title,
        "area": area.pk,
        "problem": "Releases were big and rare.",
        "hypothesis": "Weekly releases calm things down.",
        "what_we_did": "We released every Thursday.",
        "duration": "6 weeks",
        "result": "supported",
        "learning": "Small releases made rollback boring.",
        "advice": "Agree the flag's owner first.",
        "show_team_name": "True",
    }


def test_writing_the_same_entry_at_once_keeps_one_and_tells_the_others(team_a, teammates):
    experiment = make_experiment(team_a)
    url = reverse("playbook:publish", args=[experiment.pk])
    responses = race(
        [(c, url, entry_form(f"Take {i}", experiment.area)) for i, c in enumerate(teammates)]
    )

    assert not [r for r in responses if isinstance(r, Exception)], responses
    assert sorted(r.status_code for r in responses) == [302] + [409] * (len(teammates) - 1)
    entry = Entry.objects.get(experiment=experiment)
    for i, response in enumerate(responses):
        if response.status_code == 302:
            assert response["Location"] == reverse("playbook:preview", args=[experiment.pk])
            assert entry.title == f"Take {i}"
        else:  # told, with their own text still in the form
            assert f'value="Take {i}"' in response.content.decode()


def test_saving_the_same_draft_at_once_overwrites_nothing_silently(team_a, teammates):
    entry = make_entry(team_a, status=Entry.Status.DRAFT)
    url = reverse("playbook:publish", args=[entry.experiment_id])
    seen = seen_token(entry)
    responses = race(
        [
            (c, url, {**entry_form(f"Take {i}", entry.area), "seen": seen})
            for i, c in enumerate(teammates)
        ]
    )

    assert not [r for r in responses if isinstance(r, Exception)], responses
    assert sorted(r.status_code for r in responses) == [302] + [409] * (len(teammates) - 1)
    assert Entry.objects.filter(experiment=entry.experiment).count() == 1


def test_publishing_from_the_preview_at_once_publishes_one_entry(team_a, teammates):
    entry = make_entry(team_a, status=Entry.Status.DRAFT)
    url = reverse("playbook:preview", args=[entry.experiment_id])
    responses = race([(c, url, {}) for c in teammates])

    assert not [r for r in responses if isinstance(r, Exception)], responses
    page = reverse("playbook:entry", args=[entry.slug])
    assert [(r.status_code, r["Location"]) for r in responses] == [(302, page)] * len(teammates)
    assert Entry.objects.filter(experiment=entry.experiment).count() == 1
    entry.refresh_from_db()
    assert entry.status == Entry.Status.PUBLISHED and entry.published_at
