"""Sign-in: a new session each time, sessions that expire, and a cool-off
after too many failed attempts (django-axes)."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD


def sign_in(client, password=PASSWORD, username="alex"):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_signing_in_starts_a_new_session(client, member_a):
    client.get(reverse("login"))
    session = client.session
    session["before"] = "sign-in"
    session.save()
    before = client.cookies["sessionid"].value

    assert sign_in(client).status_code == 302

    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_a_session_expires_after_eight_hours(client, member_a):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    sign_in(client)
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_too_many_failures_lock_the_sign_in_with_a_clear_message(client, member_a):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, password="wrong")
        assert response.status_code == 200
        assert "Too many failed attempts" not in response.content.decode()

    response = sign_in(client, password="wrong")
    assert response.status_code == 429
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Too many failed attempts to sign in. Wait 15 minutes" in content
    assert 'value="alex"' in content  # the username is kept
    assert "Sign in" in content  # it is the sign-in page, not a bare error

    # Even the right password waits for the cool-off.
    assert sign_in(client).status_code == 429
    assert client.get("/").status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, member_a):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, password="wrong")
    assert sign_in(client).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert sign_in(client).status_code == 302
    assert client.get("/").status_code == 200


def test_a_lock_on_one_person_does_not_lock_another(client, member_a, member_b):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, password="wrong")
    assert sign_in(client, username="bea").status_code == 302


def test_admin_sign_in_is_throttled_too(client, admin_user):
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "ada", "password": "wrong"})
    response = client.post(url, {"username": "ada", "password": PASSWORD})
    assert response.status_code == 429


def test_behind_the_load_balancer_a_forged_address_does_not_dodge_the_lock(
    client, member_a, settings
):
    settings.TRUSTED_PROXY_HOPS = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        # The client forges a new left-most address each time; nginx appends the real one.
        forwarded = f"10.9.8.{n}, 203.0.113.7"
        response = client.post(
            reverse("login"),
            {"username": "alex", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=forwarded,
        )
    assert response.status_code == 429
    elsewhere = client.post(
        reverse("login"),
        {"username": "alex", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="10.9.8.99, 198.51.100.2",
    )
    assert elsewhere.status_code == 302  # someone at another address is not locked out
