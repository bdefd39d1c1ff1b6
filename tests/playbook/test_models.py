"""Domain rules of playbook entries."""

from datetime import date

import pytest
from django.db import IntegrityError

from playbook.models import Entry, duration_between, search_words
from tests.playbook.factories import make_entry, make_experiment


def test_slug_is_readable_and_made_unique_with_a_number(team_a):
    first = make_entry(team_a, title="Show the thing, not papers!")
    second = make_entry(team_a, title="Show the thing: not papers")
    assert first.slug == "show-the-thing-not-papers"
    assert second.slug == "show-the-thing-not-papers-2"


def test_slug_never_changes_when_the_title_does(team_a):
    entry = make_entry(team_a, title="Rotating who facilitates stand-ups")
    entry.title = "Everyone takes a turn at stand-up"
    entry.save()
    entry.refresh_from_db()
    assert entry.slug == "rotating-who-facilitates-stand-ups"


def test_a_title_without_letters_still_gets_a_slug(team_a):
    assert make_entry(team_a, title="🙂🙂").slug == "entry"


def test_a_slug_that_reads_like_a_playbook_page_is_avoided(team_a):
    assert make_entry(team_a, title="Publish").slug == "publish-2"


def test_hypothesis_splits_back_into_its_parts(team_a):
    entry = make_entry(team_a)
    assert entry.hypothesis_parts() == {
        "change": "we release every week behind a feature flag",
        "outcome": "fewer surprises for users and less stress on release day",
        "signal": "no rollbacks and a release every Thursday for six weeks",
    }


def test_a_freely_written_hypothesis_becomes_the_change(team_a):
    entry = make_entry(team_a, hypothesis="Demos beat documents.")
    assert entry.hypothesis_parts() == {
        "change": "Demos beat documents.",
        "outcome": "",
        "signal": "",
    }


def test_hiding_needs_a_reason(team_a, admin_user):
    entry = make_entry(team_a)
    with pytest.raises(ValueError):
        entry.hide("  ", by=admin_user)
    entry.hide("Names a patient.", by=admin_user)
    assert not entry.is_visible
    assert entry not in Entry.objects.published()
    entry.unhide()
    assert entry.is_visible and entry.hidden_reason == ""


def test_the_database_refuses_a_hidden_entry_without_a_reason(team_a):
    entry = make_entry(team_a)
    with pytest.raises(IntegrityError):
        Entry.objects.filter(pk=entry.pk).update(hidden=True)


def test_withdrawn_and_draft_entries_are_not_published(team_a):
    draft = make_entry(team_a, status=Entry.Status.DRAFT)
    withdrawn = make_entry(team_a)
    withdrawn.withdraw()
    assert list(Entry.objects.published()) == []
    draft.publish()
    assert list(Entry.objects.published()) == [draft]


def test_anonymous_entry_does_not_name_the_team(team_a):
    assert make_entry(team_a, show_team_name=False).shared_by == "An NHS product team"
    assert make_entry(team_a).shared_by == "Team A"


def test_publish_form_starts_from_the_experiment(team_a):
    experiment = make_experiment(team_a)
    initial = Entry.initial_from(experiment)
    assert initial["title"] == "We release every week behind a feature flag"
    assert initial["duration"] == "6 weeks"
    assert initial["learning"] == experiment.learning
    assert initial["hypothesis"].startswith("We believe that we release every week")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 1, 1), date(2026, 1, 2), "1 day"),
        (date(2026, 1, 1), date(2026, 1, 11), "10 days"),
        (date(2026, 1, 1), date(2026, 2, 12), "6 weeks"),
        (None, date(2026, 1, 1), ""),
    ],
)
def test_duration_reads_naturally(start, end, expected):
    assert duration_between(start, end) == expected


def test_search_words_ignore_punctuation_and_repeats():
    assert search_words('"Stand-up" OR stand-up -rota ünïcode') == [
        "stand",
        "up",
        "or",
        "rota",
        "ünïcode",
    ]
