"""Domain rules of a workshop: steps, reveal, votes, notes revisions, timer."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.workshops.conftest import area_id
from workshops.models import AreaScore, FailedJoin, Participant, Spread, Vote, Workshop

FIVE = [1, 2, 3, 4, 5]


def test_spread_counts_levels_and_flags_a_wide_spread():
    spread = Spread({2: 1, 3: 2, 4: 1}, FIVE)
    assert spread.counts == {1: 0, 2: 1, 3: 2, 4: 1, 5: 0}
    assert (spread.total, spread.lowest, spread.highest, spread.median) == (4, 2, 4, 3)
    assert spread.is_wide
    assert not Spread({3: 2, 4: 2}, FIVE).is_wide
    assert Spread({3: 1, 4: 1}, FIVE).median == 3.5


def test_spread_of_no_votes_is_empty_not_wide():
    spread = Spread({}, FIVE)
    assert spread.total == 0 and spread.lowest is None and not spread.is_wide


def test_workshop_pins_the_rubric_it_was_created_with(workshop, rubric):
    area = rubric.areas.order_by("order").first()
    area.name = "Renamed later"
    area.save()
    workshop.refresh_from_db()
    assert workshop.area_for_step(1)["name"] != "Renamed later"


def test_steps_run_from_open_through_areas_to_summary(workshop):
    assert workshop.area_count == 5
    assert [label for _, label in workshop.steps][0] == "Open"
    assert workshop.step_label(workshop.choose_step) == "Choose an area"
    assert workshop.step_label(workshop.summary_step) == "Summary"
    assert workshop.summary_step == 8


def test_going_to_the_same_step_twice_changes_nothing(workshop):
    assert workshop.go_to(2)
    version = workshop.version
    assert not workshop.go_to(2)
    workshop.refresh_from_db()
    assert workshop.step == 2 and workshop.version == version


def test_going_to_a_step_that_does_not_exist_is_refused(workshop):
    with pytest.raises(ValidationError):
        workshop.go_to(99)


def test_reveal_is_idempotent_and_bumps_the_version_once(workshop):
    workshop.go_to(1)
    version = workshop.version
    assert workshop.reveal(area_id(workshop, 1))
    assert not workshop.reveal(area_id(workshop, 1))
    workshop.refresh_from_db()
    assert workshop.version == version + 1


def test_typing_the_agreed_notes_does_not_redraw_the_screens(workshop):
    """No poll shows the agreed notes, so an autosave every few seconds
    leaves the version (and every screen polling by it) alone."""
    workshop.go_to(1)
    version = Workshop.objects.get(pk=workshop.pk).version
    assert workshop.record(area_id(workshop, 1), score=3, helps="typing", holds_back="", revision=0)
    assert Workshop.objects.get(pk=workshop.pk).version == version


def test_vote_again_changes_the_vote(workshop):
    workshop.go_to(1)
    person = Participant.objects.create(workshop=workshop)
    workshop.vote(person, area_id(workshop, 1), 2)
    workshop.vote(person, area_id(workshop, 1), 4)
    assert list(Vote.objects.values_list("level", flat=True)) == [4]


def test_a_first_vote_that_lost_a_race_to_its_twin_is_still_counted(workshop, monkeypatch):
    """Two taps from one phone both find no vote; the twin's insert lands
    first, so this one hits the one-vote constraint and changes that vote."""
    from django.db.models.query import QuerySet

    workshop.go_to(1)
    person = Participant.objects.create(workshop=workshop)
    area = area_id(workshop, 1)
    Vote.objects.create(workshop=workshop, participant=person, area_id=area, level=1)
    looked, update = [], QuerySet.update

    def before_the_twin_committed(self, **fields):
        if self.model is Vote and not looked:
            looked.append(True)
            return 0  # the twin's vote was not there yet when this one looked
        return update(self, **fields)

    monkeypatch.setattr(QuerySet, "update", before_the_twin_committed)
    workshop.vote(person, area, 4)
    assert list(Vote.objects.values_list("level", flat=True)) == [4]


def test_a_vote_the_database_refuses_for_another_reason_is_not_reported_as_cast(
    workshop, monkeypatch
):
    from django.db import IntegrityError

    workshop.go_to(1)
    person = Participant.objects.create(workshop=workshop)

    def refused(**fields):
        raise IntegrityError("insert or update violates foreign key constraint")

    monkeypatch.setattr(Vote.objects, "create", refused)
    with pytest.raises(IntegrityError):
        workshop.vote(person, area_id(workshop, 1), 4)
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda w: w.go_to(2), "not open"),
        (lambda w: w.reveal(area_id(w, 1)), "revealed"),
        (lambda w: w.set_status("paused"), "paused"),
        (lambda w: w.set_status("closed"), "finished"),
    ],
)
def test_votes_are_refused_when_the_area_is_not_open(workshop, setup, message):
    workshop.go_to(1)
    person = Participant.objects.create(workshop=workshop)
    setup(workshop)
    with pytest.raises(ValidationError, match=message):
        workshop.vote(person, area_id(workshop, 1), 3)
    assert not Vote.objects.exists()


def test_notes_from_an_older_revision_never_replace_newer_ones(workshop):
    area = area_id(workshop, 1)
    assert workshop.record(area, score=3, helps="newer", holds_back="", revision=0)
    assert not workshop.record(area, score=1, helps="older", holds_back="", revision=0)
    score = AreaScore.objects.get(workshop=workshop, area_id=area)
    assert (score.score, score.helps, score.notes_revision) == (3, "newer", 1)


def test_closing_ends_changes(workshop):
    workshop.set_status("closed")
    assert workshop.closed_at is not None
    with pytest.raises(ValidationError):
        workshop.go_to(1)
    with pytest.raises(ValidationError):
        workshop.record(area_id(workshop, 1), score=3, helps="", holds_back="", revision=0)


def test_choosing_an_area_outside_the_workshop_is_refused(workshop):
    with pytest.raises(ValidationError):
        workshop.choose(999999)
    workshop.record(area_id(workshop, 3), score=2, helps="", holds_back="", revision=0)
    assert workshop.choose(area_id(workshop, 3))
    assert not workshop.choose(area_id(workshop, 3))


def test_an_area_with_no_agreed_level_cannot_be_chosen(workshop):
    third = workshop.areas[2]
    # Notes alone are not an agreed level.
    workshop.record(third["id"], score=None, helps="Talked", holds_back="", revision=0)
    with pytest.raises(ValidationError) as refused:
        workshop.choose(third["id"])
    assert refused.value.code == "not_scored"
    assert refused.value.params["step"] == 3
    assert refused.value.messages == [
        f"{third['name']} has no agreed level yet. Go back to {third['name']} and record"
        " the level the team agreed, then choose it."
    ]
    workshop.refresh_from_db()
    assert workshop.chosen_area_id is None


def test_timer_starts_pauses_and_resets(workshop):
    workshop.timer("start")
    workshop.timer_started_at = timezone.now() - timedelta(seconds=90)
    workshop.save()
    assert not workshop.timer("start")  # already running
    workshop.timer("pause")
    assert not workshop.timer_running and workshop.timer_remaining == 600 - 90
    workshop.timer("reset", minutes=5)
    assert workshop.timer_remaining == 300


def test_a_running_timer_has_one_deadline_for_every_screen(workshop):
    assert workshop.timer_deadline is None
    workshop.timer("start")
    started = workshop.timer_started_at
    assert workshop.timer_deadline == started + timedelta(seconds=600)
    workshop.timer_started_at = started - timedelta(seconds=90, milliseconds=400)
    workshop.save()
    # Counting down: the time left is rounded up, so 0:00 shows at the deadline.
    assert workshop.timer_remaining == 510
    workshop.timer("pause")
    assert workshop.timer_deadline is None and workshop.timer_remaining == 510
    workshop.timer("start")
    assert workshop.timer_deadline == workshop.timer_started_at + timedelta(seconds=510)


def test_the_phones_key_changes_with_each_press_of_the_timer_not_as_it_runs(workshop):
    """The phones ask for their room when its key changes: once per start,
    pause or reset, and the key the phones' stream is sent is the one their
    page was drawn with."""
    workshop.go_to(1)
    keys = [Workshop.objects.room_key(workshop.pk)]
    for action in ("start", "pause", "start", "reset"):
        workshop.timer_started_at = workshop.timer_started_at and (
            workshop.timer_started_at - timedelta(seconds=5)
        )
        workshop.save()
        workshop.timer(action)
        keys.append(Workshop.objects.room_key(workshop.pk))
        assert keys[-1].endswith(workshop.timer_token)
        assert Workshop.objects.room_key(workshop.pk) == keys[-1]  # not as it runs
    assert len(set(keys[:-1])) == 4
    assert keys[-1] == keys[0]  # reset: the same clock as before it started


def test_moving_to_a_step_stops_and_resets_the_timer(workshop):
    workshop.timer("start")
    workshop.go_to(1)
    workshop.refresh_from_db()
    assert not workshop.timer_running and workshop.timer_elapsed == 0


def test_room_counts_joined_and_voted_on_the_current_area(workshop):
    workshop.go_to(1)
    people = [Participant.objects.create(workshop=workshop) for _ in range(3)]
    workshop.vote(people[0], area_id(workshop, 1), 2)
    workshop.vote(people[1], area_id(workshop, 1), 5)
    assert workshop.room() == {"joined": 3, "voted": 2, "note_count": 0, "noted": 0}


def test_room_counts_notes_and_dots_from_phones_still_linked_to_them(workshop):
    workshop.go_to(1)
    ann, bo, cy = (Participant.objects.create(workshop=workshop) for _ in range(3))
    first, second = area_id(workshop, 1), area_id(workshop, 2)
    for person, text in ((ann, "a"), (ann, "b"), (bo, "c")):
        workshop.add_note(person, first, "helps", text)
    workshop.vote(ann, first, 2)
    workshop.vote(cy, first, 3)
    cy.votes.update(participant=None)  # a phone forgotten by retention
    assert workshop.room() == {"joined": 3, "voted": 1, "note_count": 3, "noted": 2}
    assert workshop.room(2)["voted"] == 0
    workshop.go_to(workshop.choose_step)
    workshop.place_dot(ann, first)
    workshop.place_dot(ann, second)
    workshop.place_dot(bo, first)
    assert workshop.room() == {"joined": 3, "dotted": 2, "dot_count": 3}
    workshop.go_to(0)
    assert workshop.room() == {"joined": 3}


def test_failed_joins_block_a_client_after_the_limit(db):
    for _ in range(FailedJoin.LIMIT - 1):
        FailedJoin.record("10.0.0.1")
    assert not FailedJoin.is_blocked("10.0.0.1")
    FailedJoin.record("10.0.0.1")
    assert FailedJoin.is_blocked("10.0.0.1")
    assert not FailedJoin.is_blocked("10.0.0.2")


def test_previous_workshop_is_the_teams_latest_earlier_one(workshop, team_b, facilitator, rubric):
    from tests.workshops.conftest import make_workshop

    later = make_workshop(workshop.team, facilitator, rubric)
    make_workshop(team_b, facilitator, rubric)
    assert list(Workshop.objects.previous_to(later)) == [workshop]


def test_spread_breakdown_lists_only_levels_someone_chose():
    from workshops.models import Spread

    assert Spread({2: 1, 4: 3}, FIVE).breakdown == "1 at 2, 3 at 4"
    assert Spread({}, FIVE).breakdown == ""


def test_room_key_matches_what_the_phones_were_drawn_with(workshop):
    from django.utils import timezone

    from workshops.models import AreaScore, Workshop

    assert Workshop.objects.room_key(workshop.pk) == "0.active.0.600-0"
    AreaScore.objects.create(
        workshop=workshop, area_id=workshop.areas[0]["id"], revealed_at=timezone.now()
    )
    workshop.step = 1
    workshop.save(update_fields=["step"])
    assert Workshop.objects.room_key(workshop.pk) == "1.active.1.600-0"
    assert Workshop.objects.room_key(0) is None
