"""Keyword search, on SQLite and PostgreSQL (run the suite with DATABASE_URL for both)."""

import pytest
from django.db import connection

from playbook.models import Entry
from tests.conftest import make_team
from tests.playbook.factories import make_entry

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="weighted ranking needs PostgreSQL"
)


@pytest.fixture
def entries(team_a):
    return {
        "flag": make_entry(team_a, title="Releasing weekly behind a flag"),
        "demo": make_entry(
            team_a,
            title="Show the thing instead of papers",
            area_key="collaboration",
            learning="Stakeholders asked better questions at a demo than in a review of slides.",
            advice="Book the demo slot before you have something to show.",
            what_we_did="Fortnightly show and tells.",
            problem="Boards read long papers.",
        ),
        "rota": make_entry(
            team_a,
            title="Rotating who facilitates stand-ups",
            area_key="culture",
            learning="Quieter people spoke more when they ran the stand-up.",
            advice="Keep the rota on the wall.",
            what_we_did="Everyone took a week.",
            problem="One voice dominated.",
        ),
    }


def titles(queryset) -> list[str]:
    return [entry.title for entry in queryset]


def test_finds_a_word_from_the_learnings(entries):
    assert titles(Entry.objects.published().search("questions")) == [entries["demo"].title]


def test_every_word_must_appear(entries):
    assert titles(Entry.objects.published().search("quieter stand-up")) == [entries["rota"].title]
    assert titles(Entry.objects.published().search("quieter slides")) == []


def test_words_in_different_fields_match_together(entries):
    # "boards" is in the problem, "slot" in the advice.
    assert titles(Entry.objects.published().search("boards slot")) == [entries["demo"].title]


def test_search_is_case_insensitive(entries):
    assert titles(Entry.objects.published().search("ROTA")) == [entries["rota"].title]


@pytest.mark.parametrize(
    "text",
    [
        '"stand-ups',
        "stand-ups' OR 1=1 --",
        "rota & | ! ( ) : * <->",
        "rota\\",
        "%rota%",
        "ünïcödé rota 漢字",
        "rota " * 250,
    ],
)
def test_hostile_search_strings_never_fail(entries, text):
    list(Entry.objects.published().search(text))


def test_like_wildcards_are_taken_literally(entries):
    assert titles(Entry.objects.published().search("%")) == titles(Entry.objects.published())
    assert titles(Entry.objects.published().search("r_ta")) == []


def test_search_leaves_out_hidden_and_withdrawn_entries(entries, admin_user):
    entries["rota"].withdraw()
    entries["demo"].hide("Names a person.", by=admin_user)
    assert titles(Entry.objects.published().search("stand-ups")) == []
    assert titles(Entry.objects.published().search("questions")) == []


@on_postgres
def test_a_title_match_ranks_above_a_match_in_advice(team_a):
    make_entry(team_a, title="Weekly planning", advice="Try pairing with another team.")
    make_entry(team_a, title="Pairing across disciplines", advice="Start small.")
    assert titles(Entry.objects.published().search("pairing")) == [
        "Pairing across disciplines",
        "Weekly planning",
    ]


@on_postgres
def test_english_stemming_matches_other_forms_of_a_word(entries):
    assert titles(Entry.objects.published().search("rotate")) == [entries["rota"].title]


@on_postgres
def test_search_vector_follows_edits(entries):
    entry = entries["flag"]
    entry.advice = "Write a runbook for the zebra crossing."
    entry.save()
    assert titles(Entry.objects.published().search("zebra")) == [entry.title]


def test_entries_of_other_teams_are_found_too(entries):
    team = make_team("Other team")
    make_entry(team, title="Pairing across teams", learning="Pairing spreads knowledge.")
    assert titles(Entry.objects.published().search("spreads")) == ["Pairing across teams"]
