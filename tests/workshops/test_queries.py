"""The shared screen and the polls cost the same with 3 or 30 people in the
room: a room of phones polls all workshop long."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.workshops.conftest import area_id, join
from workshops.models import Participant, Vote, Workshop

HTMX = {"HTTP_HX_REQUEST": "true"}


def fill_room(workshop, count):
    area = area_id(workshop, 1)
    for n in range(count):
        person = Participant.objects.create(workshop=workshop, display_name=f"P{n}")
        Vote.objects.create(workshop=workshop, participant=person, area_id=area, level=n % 5 + 1)


def count_queries(client, path, data=None, **extra) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, data or {}, **extra)
    assert response.status_code in (200, 204)
    return len(queries)


def test_presenter_and_poll_queries_do_not_grow_with_participants(
    facilitator_client, workshop, django_assert_max_num_queries
):
    workshop.go_to(1)
    workshop.reveal(area_id(workshop, 1))
    path = reverse("workshops:present", args=[workshop.pk])
    fill_room(workshop, 3)
    page_3 = count_queries(facilitator_client, path)
    poll_3 = count_queries(facilitator_client, path, {"v": 0, "s": 1}, **HTMX)
    fill_room(workshop, 27)
    workshop.refresh_from_db()
    with django_assert_max_num_queries(page_3):
        facilitator_client.get(path)
    with django_assert_max_num_queries(poll_3):
        facilitator_client.get(path, {"v": 0, "s": 1}, **HTMX)
    # Unchanged: the session, the user and one indexed read of the workshop.
    version = workshop.version
    with django_assert_max_num_queries(3):
        response = facilitator_client.get(path, {"v": version, "s": 1}, **HTMX)
    assert response.status_code == 204


def test_participant_poll_queries_do_not_grow_with_participants(
    workshop, django_assert_max_num_queries
):
    workshop.go_to(1)
    phone = Client()
    join(phone, workshop)
    path = reverse("workshops:live", args=[workshop.join_code])
    fill_room(workshop, 3)
    changed_3 = count_queries(phone, path, {"k": "stale"}, **HTMX)
    fill_room(workshop, 27)
    with django_assert_max_num_queries(changed_3):
        phone.get(path, {"k": "stale"}, **HTMX)
    key = Workshop.objects.room_key(workshop.pk)
    # Unchanged: the session and one indexed read of the workshop.
    with django_assert_max_num_queries(2):
        response = phone.get(path, {"k": key}, **HTMX)
    assert response.status_code == 204


def test_summary_queries_do_not_grow_with_participants(
    facilitator_client, workshop, django_assert_max_num_queries
):
    path = reverse("workshops:summary", args=[workshop.pk])
    fill_room(workshop, 3)
    summary_3 = count_queries(facilitator_client, path)
    fill_room(workshop, 27)
    with django_assert_max_num_queries(summary_3):
        facilitator_client.get(path)


def test_presenter_costs_the_same_for_the_largest_model(
    facilitator_client, workshop, team_a, facilitator, django_assert_max_num_queries
):
    """12 areas of 7 levels cost the shared screen no more queries than the
    default model's 5 x 5, at an area step and at the choose step."""
    from maturity.interchange import import_model
    from tests.e2e.test_models import largest_model
    from tests.workshops.conftest import make_workshop

    largest = make_workshop(team_a, facilitator, import_model(largest_model()).model)
    costs = {}
    for each in (workshop, largest):
        path = reverse("workshops:present", args=[each.pk])
        each.go_to(1)
        each.reveal(area_id(each, 1))
        area_step = count_queries(facilitator_client, path)
        each.go_to(each.choose_step)
        costs[each.pk] = (area_step, count_queries(facilitator_client, path))
    assert costs[largest.pk] == costs[workshop.pk]
    assert largest.area_count == 12 and largest.highest_level == 7


def fill_notes_and_dots(workshop, count):
    """`count` more people, each with two notes on area 1 and three dots."""
    from workshops.models import Dot, Note

    area = area_id(workshop, 1)
    for n in range(count):
        person = Participant.objects.create(workshop=workshop, display_name=f"N{n}")
        for kind in ("helps", "holds_back"):
            Note.objects.create(
                workshop=workshop, participant=person, area_id=area, kind=kind, text=f"{n}"
            )
        for k in range(3):
            Dot.objects.create(
                workshop=workshop, participant=person, area_id=area_id(workshop, k + 1)
            )


def test_other_peoples_notes_and_dots_leave_a_phones_fallback_poll_unchanged(
    workshop, django_assert_max_num_queries
):

    workshop.go_to(1)
    phone = Client()
    join(phone, workshop)
    path = reverse("workshops:live", args=[workshop.join_code])
    key = Workshop.objects.room_key(workshop.pk)
    fill_notes_and_dots(workshop, 10)
    workshop.add_note(Participant.objects.first(), area_id(workshop, 1), "helps", "via model")
    assert Workshop.objects.room_key(workshop.pk) == key
    # The session and the workshop: no participant, no notes, no dots.
    with django_assert_max_num_queries(2):
        response = phone.get(path, {"k": key}, **HTMX)
    assert response.status_code == 204


def test_presenter_and_presenter_mode_do_not_grow_with_notes_dots_and_people(
    facilitator_client, workshop, django_assert_max_num_queries
):
    area = area_id(workshop, 1)
    workshop.go_to(1)
    workshop.reveal(area)
    workshop.show_notes(area)
    pages = [
        reverse("workshops:present", args=[workshop.pk]),
        reverse("workshops:screen", args=[workshop.pk]),
    ]
    fill_notes_and_dots(workshop, 3)
    fill_room(workshop, 3)
    costs = {}
    for step in (1, workshop.choose_step):
        workshop.go_to(step)
        if step == workshop.choose_step:
            workshop.reveal_dots()
        for path in pages:
            costs[(step, path)] = count_queries(facilitator_client, path)
            costs[(step, path, "poll")] = count_queries(
                facilitator_client, path, {"v": 0, "s": step}, **HTMX
            )
    fill_notes_and_dots(workshop, 27)
    fill_room(workshop, 27)
    workshop.go_to(1)
    for step in (1, workshop.choose_step):
        workshop.go_to(step)
        for path in pages:
            with django_assert_max_num_queries(costs[(step, path)]):
                page = facilitator_client.get(path)
            assert page.status_code == 200
            with django_assert_max_num_queries(costs[(step, path, "poll")]):
                facilitator_client.get(path, {"v": 0, "s": step}, **HTMX)


def test_a_phones_vote_looks_its_room_up_once(workshop, django_assert_max_num_queries):
    """A vote finds the phone's participant and its workshop in one query,
    records the vote, and answers with the vote alone: nothing of the room
    is drawn, in the room of 30 as in a room of one. Five statements: the
    session, the participant with its workshop, the area's state, the
    vote, the workshop's version."""
    workshop.go_to(1)
    phone = Client()
    join(phone, workshop)
    fill_room(workshop, 30)
    path = reverse("workshops:vote", args=[workshop.join_code])
    vote = {"area": area_id(workshop, 1), "level": 2}
    phone.post(path, vote, **HTMX)
    with CaptureQueriesContext(connection) as queries:
        response = phone.post(path, {**vote, "level": 3}, **HTMX)
    assert response.status_code == 200 and "level 3" in response.content.decode()
    participant_reads = [q for q in queries if 'FROM "workshops_participant"' in q["sql"]]
    assert len(participant_reads) == 1
    assert len(queries) <= 5, [q["sql"][:80] for q in queries]
    assert not [
        q for q in queries if '"workshops_note"' in q["sql"] or '"workshops_dot"' in q["sql"]
    ]


def test_a_change_of_mind_is_one_write_and_no_reread_of_the_version(workshop):
    """A phone changing its vote updates its vote in one statement (no
    transaction, savepoint or locking read around it), tells the screens
    with one update, and does not read the new version back: a phone's
    screen never shows it. The vote still counts, and the screens' key moves."""

    workshop.go_to(1)
    phone = Client()
    join(phone, workshop)
    path = reverse("workshops:vote", args=[workshop.join_code])
    vote = {"area": area_id(workshop, 1), "level": 2}
    phone.post(path, vote, **HTMX)
    before = Workshop.objects.values_list("version", flat=True).get(pk=workshop.pk)
    with CaptureQueriesContext(connection) as queries:
        response = phone.post(path, {**vote, "level": 3}, **HTMX)
    assert response.status_code == 200 and "level 3" in response.content.decode()
    sql = [q["sql"] for q in queries]
    vote_writes = [s for s in sql if '"workshops_vote"' in s and not s.startswith("SELECT")]
    assert len(vote_writes) == 1 and vote_writes[0].startswith("UPDATE")
    assert not [s for s in sql if s.startswith(("SAVEPOINT", "BEGIN")) or "FOR UPDATE" in s]
    assert not [
        s
        for s in sql
        if s.startswith('SELECT "workshops_workshop"."id", "workshops_workshop"."version"')
    ]
    assert Vote.objects.get(participant__workshop=workshop).level == 3
    assert Workshop.objects.values_list("version", flat=True).get(pk=workshop.pk) != before


def test_an_autosave_is_one_query_after_the_facilitator_and_the_workshop(
    facilitator_client, workshop, django_assert_max_num_queries
):
    """Notes autosave every few seconds while they are typed: the session,
    the user, the workshop and one update; the answer carries the revision
    saved without reading the row back."""
    workshop.go_to(1)
    area = area_id(workshop, 1)
    path = reverse("workshops:record", args=[workshop.pk])
    typed = {"area": area, "score": 3, "helps": "Pairing", "holds_back": ""}
    facilitator_client.post(path, {**typed, "revision": 0}, **HTMX)
    with django_assert_max_num_queries(4):
        response = facilitator_client.post(
            path, {**typed, "helps": "Pairing helps", "revision": 1}, **HTMX
        )
    assert 'value="2"' in response.content.decode()
    assert workshop.score_for(area).helps == "Pairing helps"


def test_a_phones_stream_finds_its_place_in_one_query(
    workshop, team_a, facilitator, rubric, django_assert_num_queries
):
    """A phone's stream opens far more often than its page (every
    reconnect, every restart): it checks what the page checks (a place in
    that room, and whether the room is closed) with the session and one
    query, not the room's key and the participant apart."""
    from importlib import import_module

    from django.conf import settings
    from django.test import RequestFactory

    from tests.workshops.conftest import make_workshop
    from workshops.phone import phone_workshop

    phone = Client()
    join(phone, workshop)
    other = make_workshop(team_a, facilitator, rubric)
    store = import_module(settings.SESSION_ENGINE).SessionStore

    def place(code):
        request = RequestFactory().get("/")
        request.session = store(phone.cookies[settings.SESSION_COOKIE_NAME].value)
        return phone_workshop(request, code)

    with django_assert_num_queries(2):
        assert place(workshop.join_code.lower()) == (workshop.pk, False)
    assert place(other.join_code) is None  # no place in that room
    workshop.set_status(Workshop.Status.CLOSED)
    assert place(workshop.join_code) == (workshop.pk, True)
