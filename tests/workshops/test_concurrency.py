"""A room of phones voting at the same moment: every vote counts, none twice.
Real threads, each with its own database connection, against PostgreSQL
(SQLite serialises writers, so it would prove nothing)."""

import threading

import pytest
from django.db import connection, connections
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from tests.workshops.conftest import area_id, join
from workshops.models import AreaScore, Participant, Vote, Workshop

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrency needs PostgreSQL: set DATABASE_URL to a PostgreSQL database",
    ),
]


def run_together(jobs) -> list[BaseException]:
    """Start every job at the same instant on its own thread and connection."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        try:
            barrier.wait()
            job()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_simultaneous_votes_from_a_room_are_all_counted(workshop):
    workshop.go_to(1)
    area = area_id(workshop, 1)
    people = [Participant.objects.create(workshop=workshop) for _ in range(24)]
    start = Workshop.objects.get(pk=workshop.pk).version

    def vote_as(person, level):
        return lambda: Workshop.objects.get(pk=workshop.pk).vote(person, area, level)

    errors = run_together([vote_as(p, n % 5 + 1) for n, p in enumerate(people)])
    assert not errors, errors
    assert Vote.objects.filter(area_id=area).count() == 24
    assert Workshop.objects.get(pk=workshop.pk).version == start + 24
    assert workshop.spreads()[area].total == 24


def test_one_phone_sending_the_same_vote_many_times_at_once_records_one(workshop):
    workshop.go_to(1)
    phone = Client()
    join(phone, workshop)
    path = reverse("workshops:vote", args=[workshop.join_code])
    data = {"area": area_id(workshop, 1), "level": 3}
    statuses = []

    def send():
        statuses.append(phone.post(path, data).status_code)

    errors = run_together([send for _ in range(8)])
    assert not errors, errors
    assert statuses == [302] * 8
    assert Vote.objects.count() == 1


def test_double_clicked_reveal_and_step_change_happen_once(workshop):
    workshop.go_to(1)
    area = area_id(workshop, 1)
    start = Workshop.objects.get(pk=workshop.pk).version

    def reveal():
        Workshop.objects.get(pk=workshop.pk).reveal(area)

    errors = run_together([reveal for _ in range(6)])
    assert not errors, errors
    assert Workshop.objects.get(pk=workshop.pk).version == start + 1


def test_an_older_tab_never_overwrites_newer_notes_saved_at_the_same_time(workshop):
    """One tab keeps typing (each save from the revision it got back) while
    a stale tab keeps saving old text at the same moments: the newest text
    always wins and the stale tab never lands."""
    workshop.go_to(1)
    area = area_id(workshop, 1)
    stale_landed = []

    def stale():
        for _ in range(20):
            w = Workshop.objects.get(pk=workshop.pk)
            if w.record(area, score=1, helps="old", holds_back="", revision=0):
                stale_landed.append(True)

    # Both tabs loaded revision 0; the typing tab's first save made it 1.
    workshop.record(area, score=2, helps="first", holds_back="", revision=0)

    def typing_from_one():
        revision = 1
        for n in range(1, 21):
            w = Workshop.objects.get(pk=workshop.pk)
            assert w.record(area, score=4, helps="new " * n, holds_back="", revision=revision)
            revision += 1

    errors = run_together([typing_from_one, stale])
    assert not errors, errors
    assert not stale_landed
    score = AreaScore.objects.get(workshop=workshop, area_id=area)
    assert score.helps == "new " * 20
    assert score.notes_revision == 21


def test_thirty_phones_posting_notes_and_dots_at_once_lose_none(workshop):
    """30 phones, each with its own session, post two notes on the area on
    screen at the same instant; then, at the choose step, three dots each.
    Every note and dot is kept, none twice, and each phone's limits hold."""
    from workshops.models import Dot, Note

    workshop.go_to(1)
    area = area_id(workshop, 1)
    phones = []
    for _ in range(30):
        phone = Client()
        join(phone, workshop)
        phones.append(phone)
    notes = reverse("workshops:note", args=[workshop.join_code])
    dots = reverse("workshops:dot", args=[workshop.join_code])
    statuses = []

    def post_notes(n, phone):
        def job():
            for kind in ("helps", "holds_back"):
                data = {"area": area, "kind": kind, "text": f"phone {n} {kind}"}
                statuses.append(phone.post(notes, data).status_code)

        return job

    errors = run_together([post_notes(n, p) for n, p in enumerate(phones)])
    assert not errors, errors
    assert statuses == [302] * 60
    assert Note.objects.count() == 60
    assert set(Note.objects.values_list("text", flat=True)) == {
        f"phone {n} {kind}" for n in range(30) for kind in ("helps", "holds_back")
    }

    Workshop.objects.get(pk=workshop.pk).go_to(workshop.choose_step)
    statuses.clear()

    def place_dots(n, phone):
        def job():
            # Four tries each: the fourth is refused by the limit of three.
            for k in range(4):
                data = {"area": area_id(workshop, 1 + (n + k) % 3), "action": "add"}
                statuses.append(phone.post(dots, data).status_code)

        return job

    errors = run_together([place_dots(n, p) for n, p in enumerate(phones)])
    assert not errors, errors
    assert sorted(statuses) == [302] * 90 + [400] * 30
    assert Dot.objects.count() == 90
    per_phone = Dot.objects.values("participant").annotate(n=Count("id"))
    assert {row["n"] for row in per_phone} == {3}
    assert sum(Workshop.objects.get(pk=workshop.pk).dot_tally().values()) == 90
