"""The unchanged polls (phones and the shared screen) answer from a
short-lived per-process memory of what the workshop's screens show: no
database, yet a change made through another app server shows within
WORKSHOP_POLL_CACHE_SECONDS and one made through this process at once.
A clock the test moves makes it exact."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.workshops.conftest import area_id
from workshops.models import Workshop
from workshops.poll_cache import MAX_ENTRIES, PollKeys, poll_keys, screen_keys

HTMX = {"HTTP_HX_REQUEST": "true"}


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(poll_keys, "clock", clock)
    monkeypatch.setattr(screen_keys, "clock", clock)
    return clock


def shown(client, workshop) -> dict:
    """What a phone's screen carries into its next poll: the key and the pass."""
    body = client.get(reverse("workshops:live", args=[workshop.join_code])).content.decode()
    return {"k": body.split('"k": "')[1].split('"')[0], "p": body.split('"p": "')[1].split('"')[0]}


def poll(client, workshop, carried):
    return client.get(reverse("workshops:live", args=[workshop.join_code]), carried, **HTMX)


def changed_through_another_server(workshop):
    """What another app server's change looks like from here: the database
    moves on and nothing in this process is told."""
    Workshop.objects.filter(pk=workshop.pk).update(step=2, version=workshop.version + 1)


def test_an_unchanged_poll_within_the_window_skips_the_database(
    participant_client, workshop, clock, django_assert_num_queries
):
    workshop.go_to(1)
    carried = shown(participant_client, workshop)
    with django_assert_num_queries(1):
        assert poll(participant_client, workshop, carried).status_code == 204
    clock.now += 0.9
    with django_assert_num_queries(0):
        assert poll(participant_client, workshop, carried).status_code == 204


def test_a_change_through_another_server_shows_once_the_window_has_passed(
    participant_client, workshop, clock, settings
):
    workshop.go_to(1)
    carried = shown(participant_client, workshop)
    assert poll(participant_client, workshop, carried).status_code == 204
    changed_through_another_server(workshop)
    clock.now += settings.WORKSHOP_POLL_CACHE_SECONDS - 0.01
    assert poll(participant_client, workshop, carried).status_code == 204  # remembered
    clock.now += 0.01
    response = poll(participant_client, workshop, carried)
    assert response.status_code == 200
    assert "Area 2 of 5" in response.content.decode()


def test_a_change_through_this_process_shows_at_once(participant_client, workshop, clock):
    workshop.go_to(1)
    carried = shown(participant_client, workshop)
    assert poll(participant_client, workshop, carried).status_code == 204
    workshop.reveal(area_id(workshop, 1))
    response = poll(participant_client, workshop, carried)
    assert response.status_code == 200 and "revealed" in response.content.decode()


def test_the_window_is_shorter_than_the_poll_interval(settings):
    assert 0 < settings.WORKSHOP_POLL_CACHE_SECONDS < 2


def test_no_window_means_every_poll_reads_the_database(
    participant_client, workshop, clock, settings, django_assert_num_queries
):
    settings.WORKSHOP_POLL_CACHE_SECONDS = 0
    workshop.go_to(1)
    carried = shown(participant_client, workshop)
    for _ in range(2):
        with django_assert_num_queries(1):
            assert poll(participant_client, workshop, carried).status_code == 204


def test_a_key_read_before_a_change_committed_is_not_remembered(settings):
    keys = PollKeys(clock=Clock())

    def read_then_change_lands(code):
        keys.forget(code)  # another thread's change commits during this read
        return "1.active.0"

    assert keys.get("ABCDEF", read_then_change_lands) == "1.active.0"
    assert keys.get("ABCDEF", lambda code: "2.active.0") == "2.active.0"


def test_the_memory_is_bounded(settings):
    keys = PollKeys(clock=Clock())
    for n in range(MAX_ENTRIES + 1):
        keys.get(f"C{n}", lambda code: "0.active.0")
    assert len(keys._entries) <= MAX_ENTRIES


# The shared screen's poll: the same memory, by workshop id, with its own pass.


SCREEN_VALS = re.compile(r'data-hx-vals=\'\{"v": "(\d+)", "s": "(\d+)", "p": "([^"]+)"\}\'')


def screen(client, workshop, page="workshops:present") -> dict:
    """What the shared screen (or presenter mode) carries into its next poll."""
    body = client.get(reverse(page, args=[workshop.pk])).content.decode()
    return dict(zip("vsp", SCREEN_VALS.search(body).groups(), strict=True))


def screen_poll(client, workshop, carried):
    return client.get(reverse("workshops:present", args=[workshop.pk]), carried, **HTMX)


def test_an_unchanged_screen_poll_skips_session_and_database(
    facilitator_client, workshop, clock, django_assert_num_queries
):
    workshop.go_to(1)
    carried = screen(facilitator_client, workshop)
    assert carried["v"] == str(workshop.version) and carried["s"] == "1"
    with django_assert_num_queries(1):
        assert screen_poll(facilitator_client, workshop, carried).status_code == 204
    with django_assert_num_queries(0):
        assert screen_poll(facilitator_client, workshop, carried).status_code == 204


def test_a_screen_poll_without_its_pass_signs_in_first(facilitator_client, workshop):
    carried = screen(facilitator_client, workshop)
    other = screen(facilitator_client, make_other_workshop(workshop))
    assert screen_poll(Client(), workshop, carried).status_code == 204  # the real pass
    for forged in ["", f"{workshop.pk}", other["p"], f"{carried['p']}x"]:
        response = screen_poll(Client(), workshop, {**carried, "p": forged})
        assert response.status_code == 302 and "/accounts/login/" in response.url, forged


def test_a_vote_shows_on_the_screen_at_once(
    facilitator_client, participant_client, workshop, clock
):
    workshop.go_to(1)
    carried = screen(facilitator_client, workshop)
    assert screen_poll(facilitator_client, workshop, carried).status_code == 204
    participant_client.post(
        reverse("workshops:vote", args=[workshop.join_code]),
        {"area": area_id(workshop, 1), "level": 2},
    )
    response = screen_poll(facilitator_client, workshop, carried)
    assert (
        response.status_code == 200 and 'data-testid="voted-count">1<' in response.content.decode()
    )


def test_a_screen_sees_another_servers_change_once_the_window_has_passed(
    facilitator_client, workshop, clock, settings
):
    workshop.go_to(1)
    carried = screen(facilitator_client, workshop)
    assert screen_poll(facilitator_client, workshop, carried).status_code == 204
    Workshop.objects.filter(pk=workshop.pk).update(version=workshop.version + 1)
    clock.now += settings.WORKSHOP_POLL_CACHE_SECONDS - 0.01
    assert screen_poll(facilitator_client, workshop, carried).status_code == 204
    clock.now += 0.01
    assert screen_poll(facilitator_client, workshop, carried).status_code == 200


def test_presenter_mode_polls_from_the_same_memory_with_the_same_pass(
    facilitator_client, workshop, clock, django_assert_num_queries
):
    workshop.go_to(1)
    carried = screen(facilitator_client, workshop, "workshops:screen")
    url = reverse("workshops:screen", args=[workshop.pk])
    with django_assert_num_queries(1):
        assert facilitator_client.get(url, carried, **HTMX).status_code == 204
    with django_assert_num_queries(0):
        assert Client().get(url, carried, **HTMX).status_code == 204
    response = Client().get(url, {**carried, "p": ""}, **HTMX)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_phones_note_and_dots_show_on_presenter_mode_at_once(
    facilitator_client, participant_client, workshop, clock
):
    workshop.go_to(1)
    url = reverse("workshops:screen", args=[workshop.pk])
    carried = screen(facilitator_client, workshop, "workshops:screen")
    assert facilitator_client.get(url, carried, **HTMX).status_code == 204
    participant_client.post(
        reverse("workshops:note", args=[workshop.join_code]),
        {"area": area_id(workshop, 1), "kind": "helps", "text": "We pair a lot"},
    )
    response = facilitator_client.get(url, carried, **HTMX)
    assert response.status_code == 200
    assert 'data-testid="notes-count">1<' in response.content.decode()
    assert "We pair a lot" not in response.content.decode()  # hidden until shown


def test_showing_the_notes_redraws_the_phones_at_once(
    facilitator_client, participant_client, workshop, clock
):
    workshop.go_to(1)
    carried = shown(participant_client, workshop)
    assert poll(participant_client, workshop, carried).status_code == 204
    participant_client.post(
        reverse("workshops:note", args=[workshop.join_code]),
        {"area": area_id(workshop, 1), "kind": "helps", "text": "We pair a lot"},
    )
    assert poll(participant_client, workshop, carried).status_code == 204  # only my own note
    facilitator_client.post(
        reverse("workshops:show_notes", args=[workshop.pk]), {"area": area_id(workshop, 1)}
    )
    assert poll(participant_client, workshop, carried).status_code == 200


def make_other_workshop(workshop):
    from tests.workshops.conftest import make_workshop

    return make_workshop(workshop.team, workshop.facilitator, workshop.model)


# Answered early: before sessions, CSRF, users and messages.


def test_unchanged_polls_are_answered_before_the_rest_of_the_stack(
    participant_client, facilitator_client, workshop, rf, settings
):
    from workshops.middleware import UnchangedPollMiddleware

    stack = settings.MIDDLEWARE
    early = stack.index("workshops.middleware.UnchangedPollMiddleware")
    assert early < stack.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert early > stack.index("config.security.CSPMiddleware")

    workshop.go_to(1)
    room, screen_vals = shown(participant_client, workshop), screen(facilitator_client, workshop)

    def the_rest(request):
        raise AssertionError("an unchanged poll went past the middleware")

    early = UnchangedPollMiddleware(the_rest)
    live = reverse("workshops:live", args=[workshop.join_code])
    present = reverse("workshops:present", args=[workshop.pk])
    assert early(rf.get(live, room, HTTP_HX_REQUEST="true")).status_code == 204
    assert early(rf.get(present, screen_vals, HTTP_HX_REQUEST="true")).status_code == 204
    presenter_mode = reverse("workshops:screen", args=[workshop.pk])
    assert early(rf.get(presenter_mode, screen_vals, HTTP_HX_REQUEST="true")).status_code == 204

    passed_on = UnchangedPollMiddleware(lambda request: "to the view")
    changed = {**room, "k": "0.active.0"}
    assert passed_on(rf.get(live, changed, HTTP_HX_REQUEST="true")) == "to the view"
    assert passed_on(rf.get(live, room)) == "to the view"  # not htmx: the whole page
    assert passed_on(rf.get(present, {**screen_vals, "p": ""}, HTTP_HX_REQUEST="true")) == (
        "to the view"
    )


def test_an_early_204_carries_the_strict_headers_and_no_cookie(
    participant_client, workshop, settings
):
    settings.SECURE_HSTS_SECONDS = 31536000
    workshop.go_to(1)
    response = participant_client.get(
        reverse("workshops:live", args=[workshop.join_code]),
        shown(participant_client, workshop),
        secure=True,
        **HTMX,
    )
    assert response.status_code == 204
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert not response.cookies


# In front of Django (config/wsgi.py): an unchanged poll this process
# remembers is answered before Django's request handling, with the headers
# Django gave the last one.


class Counted:
    """Django's WSGI application, counting the requests that reach it."""

    def __init__(self):
        from django.core.wsgi import get_wsgi_application

        self.django, self.calls = get_wsgi_application(), 0

    def __call__(self, environ, start_response):
        from django.core.signals import request_finished, request_started
        from django.db import close_old_connections

        self.calls += 1
        # As Django's test client does: keep the test's database connection open.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.django(environ, start_response)
            body = b"".join(response)
            response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [body]


def call(application, request):
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer.update(status=status, headers=dict(headers))

    body = b"".join(application(request.environ, start_response))
    return answer["status"], answer["headers"], body


def test_an_unchanged_poll_is_answered_before_django_once_django_answered_one(
    participant_client, workshop, clock, rf, settings, django_assert_num_queries
):
    from workshops.middleware import EarlyPolls

    settings.SECURE_HSTS_SECONDS = 31536000
    workshop.go_to(1)
    carried = shown(participant_client, workshop)
    django = Counted()
    early = EarlyPolls(django)
    live = reverse("workshops:live", args=[workshop.join_code])

    def unchanged_poll(**extra):
        return rf.get(live, carried, HTTP_HX_REQUEST="true", secure=True, **extra)

    status, through_django, _ = call(early, unchanged_poll())
    assert status.startswith("204") and django.calls == 1
    with django_assert_num_queries(0):
        status, headers, body = call(early, unchanged_poll())
    assert status.startswith("204") and body == b"" and django.calls == 1
    assert (
        "Strict-Transport-Security" in headers
        and "default-src 'self'" in headers["Content-Security-Policy"]
    )
    assert headers == {k: v for k, v in through_django.items() if k.lower() != "content-length"}
    assert not any(name.lower() in ("set-cookie", "date") for name in headers)

    # Another host, or plain HTTP, has not been answered by Django yet: it goes there.
    call(early, unchanged_poll(HTTP_HOST="other.example"))
    assert django.calls == 2
    # A changed screen, or a lapsed memory, goes to Django too.
    status, _, _ = call(
        early, rf.get(live, {**carried, "k": "0.active.0"}, HTTP_HX_REQUEST="true", secure=True)
    )
    assert not status.startswith("204") and django.calls == 3
    clock.now += settings.WORKSHOP_POLL_CACHE_SECONDS
    call(early, unchanged_poll())
    assert django.calls == 4
    # A forged pass never gets the early answer.
    call(early, rf.get(live, {**carried, "p": "forged"}, HTTP_HX_REQUEST="true", secure=True))
    assert django.calls == 5


def test_the_shared_screen_is_answered_early_too_and_the_service_runs_in_front(
    facilitator_client, workshop, clock, rf
):
    from config.wsgi import application
    from workshops.middleware import EarlyPolls

    assert isinstance(application, EarlyPolls)
    workshop.go_to(1)
    carried = screen(facilitator_client, workshop)
    django = Counted()
    early = EarlyPolls(django)
    for url in [
        reverse("workshops:present", args=[workshop.pk]),
        reverse("workshops:screen", args=[workshop.pk]),
    ]:
        for _ in range(2):
            status, _, _ = call(early, rf.get(url, carried, HTTP_HX_REQUEST="true"))
            assert status.startswith("204")
    assert django.calls == 1  # the first one; presenter mode's shares its answer
