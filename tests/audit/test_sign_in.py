"""Password sign-in, its failures and sign-out: one event each, with the
method, the person and where they came from; never the password."""

from __future__ import annotations

import json

from django.urls import reverse

from audit.models import Kind
from tests.audit.helpers import new_events
from tests.conftest import PASSWORD


def sign_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_password_sign_in_is_one_event_with_who_and_from_where(client, member_a):
    with new_events() as trail:
        assert sign_in(client, "alex", PASSWORD).status_code == 302

    (event,) = trail.events
    assert (event.kind, event.succeeded) == (Kind.SIGN_IN, True)
    assert event.actor == event.person == member_a
    assert event.client == "127.0.0.1"
    assert event.detail == {"method": "password"}


def test_a_wrong_password_is_one_failed_event_without_the_password(client, member_a):
    with new_events() as trail:
        assert sign_in(client, "alex", "not-the-password-at-all").status_code == 200

    (event,) = trail.events
    assert (event.kind, event.succeeded) == (Kind.SIGN_IN_FAILED, False)
    assert event.actor is None
    assert event.person == member_a
    # The person is the event's, never a name in its detail (erasure keeps the event).
    assert event.detail == {"method": "password", "reason": "wrong credentials"}
    assert "not-the-password-at-all" not in json.dumps(event.detail)


def test_an_unknown_username_is_a_failed_event_about_nobody(client, db):
    with new_events() as trail:
        sign_in(client, "nobody-here", "whatever-it-was")

    (event,) = trail.events
    assert (event.kind, event.person, event.detail["username"]) == (
        Kind.SIGN_IN_FAILED,
        None,
        "nobody-here",
    )


def test_each_attempt_is_an_event_and_the_lockout_says_so(client, member_a, settings):
    with new_events() as trail:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "alex", "wrong")
        assert sign_in(client, "alex", PASSWORD).status_code == 429

    assert [e.kind for e in trail.events] == [Kind.SIGN_IN_FAILED] * (
        settings.AXES_FAILURE_LIMIT + 1
    )
    assert trail.events[0].detail["reason"] == "wrong credentials"
    # Refused even with the right password: throttled, not wrong.
    assert trail.events[-1].detail["reason"] == "too many attempts"


def test_behind_the_load_balancer_the_client_is_the_address_it_appended(client, member_a, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    with new_events() as trail:
        client.post(
            reverse("login"),
            {"username": "alex", "password": PASSWORD},
            HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7",
            REMOTE_ADDR="10.0.0.2",
        )

    (event,) = trail.events
    assert event.client == "198.51.100.7"


def test_the_admin_sign_in_page_writes_the_same_event(client, admin_user):
    with new_events() as trail:
        response = client.post(reverse("admin:login"), {"username": "ada", "password": PASSWORD})
        assert response.status_code == 302

    (event,) = trail.events
    assert (event.kind, event.person, event.detail) == (
        Kind.SIGN_IN,
        admin_user,
        {"method": "password"},
    )


def test_sign_out_is_one_event(client, member_a):
    sign_in(client, "alex", PASSWORD)
    with new_events() as trail:
        client.post(reverse("logout"))

    (event,) = trail.events
    assert (event.kind, event.actor, event.person) == (Kind.SIGN_OUT, member_a, member_a)
    assert event.detail == {"method": "password"}
    assert event.client == "127.0.0.1"


def test_signing_out_when_not_signed_in_writes_nothing(client, db):
    with new_events() as trail:
        client.post(reverse("logout"))
    assert trail.events == []


def test_a_refused_sign_out_by_get_writes_nothing(member_a_client):
    with new_events() as trail:
        assert member_a_client.get(reverse("logout")).status_code == 405
    assert trail.events == []
