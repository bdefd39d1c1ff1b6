"""Adding rounds of voting, notes and dots is lossless: every existing vote
becomes round 1 of its area, and every area's open round is 1."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("workshops", "0004_pin_scale_in_rubrics")]
AFTER = [("workshops", "0005_notes_dots_and_vote_rounds")]

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def test_existing_votes_become_round_one(workshop):
    old = migrate(BEFORE)
    Vote = old.get_model("workshops", "Vote")
    Participant = old.get_model("workshops", "Participant")
    AreaScore = old.get_model("workshops", "AreaScore")
    area = workshop.area_for_step(1)["id"]
    people = [Participant.objects.create(workshop_id=workshop.pk) for _ in range(3)]
    for level, person in enumerate(people, start=2):
        Vote.objects.create(workshop_id=workshop.pk, participant=person, area_id=area, level=level)
    AreaScore.objects.create(workshop_id=workshop.pk, area_id=area, score=3, helps="kept")

    new = migrate(AFTER)
    votes = new.get_model("workshops", "Vote").objects.order_by("level")
    assert [(v.level, v.round) for v in votes] == [(2, 1), (3, 1), (4, 1)]
    score = new.get_model("workshops", "AreaScore").objects.get()
    assert (score.score, score.helps, score.vote_round, score.notes_shown_at) == (
        3,
        "kept",
        1,
        None,
    )
    # One vote per participant, area and round still holds.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        new.get_model("workshops", "Vote").objects.create(
            workshop_id=workshop.pk, participant_id=people[0].pk, area_id=area, level=5, round=1
        )
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
