"""Mail through a real relay: an SMTP server (aiosmtpd) on loopback that
insists on STARTTLS and a login, as an organisation's relay does. The
reminder and the password reset arrive with links to SITE_URL; a relay
that is down is tried again, logged, and never a 500."""

from __future__ import annotations

import logging
import os
import re
import socket
import ssl
import subprocess
import sys
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from core import mail as relay_mail
from experiments.models import ReviewReminder
from tests.certs import self_signed
from tests.conftest import make_user
from tests.history.factories import make_experiment
from tests.reliability.servers import free_port
from tests.test_settings import import_settings

SITE = "https://maturity.example.nhs.uk"
USER, PASSWORD = "team-maturity", "relay-password-from-the-secret-store"


class Inbox:
    def __init__(self):
        self.messages = []
        self.logins = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login.decode(), session.ssl is not None))
        ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
        return AuthResult(success=ok, auth_data=auth_data)

    def bodies(self) -> list[str]:
        return [m.get_body(("plain",)).get_content() for m in self.messages]


@pytest.fixture
def relay(tmp_path, settings, monkeypatch):
    """The relay, and the service's settings pointing at it (as the
    environment would: tests/test_settings checks the parsing)."""
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        tls_context=context,
        require_starttls=True,
        auth_required=True,
        auth_require_tls=True,
        authenticator=inbox.authenticate,
    )
    controller.start()
    inbox.port = controller.port
    # The service trusts the relay's certificate as it would the
    # organisation's CA (SSL_CERT_FILE, docs/operators.md "Mail").
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    settings.EMAIL_BACKEND = "core.mail.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = USER, PASSWORD
    settings.EMAIL_USE_TLS = True
    settings.DEFAULT_FROM_EMAIL = "team-maturity@example.nhs.uk"
    settings.SITE_URL = SITE
    monkeypatch.setattr(relay_mail, "PAUSE_SECONDS", 0.01)
    yield inbox
    controller.stop()


@pytest.fixture
def relay_down(relay, settings):
    settings.EMAIL_PORT = free_port()  # nothing listens there
    return relay


@pytest.fixture
def due(rubric, team_a, member_a):
    return make_experiment(
        team_a, status="running", owner=make_user("owen"), review_date=timezone.localdate()
    )


def test_a_review_reminder_arrives_through_the_relay_with_its_link(relay, due):
    call_command("send_review_reminders")
    assert relay.logins and all(login == (USER, True) for login in relay.logins)
    assert sorted(m["To"] for m in relay.messages) == ["alex@example.nhs.uk", "owen@example.nhs.uk"]
    assert relay.messages[0]["From"] == "team-maturity@example.nhs.uk"
    assert f"{SITE}/experiments/{due.pk}/" in relay.bodies()[0].splitlines()


def test_a_password_reset_arrives_with_a_link_to_the_site_that_works(
    relay, client, member_a, settings
):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "10.0.0.7"]  # the server's own address
    response = client.post(
        reverse("password_reset"), {"email": "alex@example.nhs.uk"}, HTTP_HOST="10.0.0.7"
    )
    assert response.status_code == 302
    (body,) = relay.bodies()
    link = re.search(r"https?://\S+/accounts/reset/\S+", body).group(0)
    assert link.startswith(SITE + "/accounts/reset/"), link
    # The link opens the form for a new password (Django's redirect, then the form).
    page = client.get(link.removeprefix(SITE), follow=True)
    assert page.status_code == 200 and b"new_password1" in page.content


def test_a_relay_that_is_down_is_tried_again_logged_and_the_page_carries_on(
    relay_down, client, member_a, caplog
):
    with caplog.at_level(logging.WARNING):
        response = client.post(reverse("password_reset"), {"email": "alex@example.nhs.uk"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    tries = [r for r in caplog.records if r.name == "core.mail"]
    assert [r.levelname for r in tries] == ["WARNING", "WARNING", "ERROR"]
    assert "attempt 3 of 3" in tries[-1].getMessage()
    assert relay_down.messages == []


def test_reminders_a_relay_did_not_take_are_sent_by_the_next_run(relay_down, settings, due):
    with pytest.raises(CommandError, match="the mail relay did not take 1 reminder"):
        call_command("send_review_reminders")
    assert not ReviewReminder.objects.exists()
    settings.EMAIL_PORT = relay_down.port  # the relay is back
    call_command("send_review_reminders")
    assert len(relay_down.messages) == 2
    assert ReviewReminder.objects.count() == 1


def test_the_relay_comes_from_the_environment_in_one_url():
    code = (
        "import config.settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, "
        "s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, "
        "s.EMAIL_TIMEOUT)"
    )
    env = {
        **os.environ,
        "DEBUG": "true",
        "EMAIL_URL": "smtp+tls://team%40example.nhs.uk:p%40ss@smtp.example.nhs.uk:587?timeout=5",
        "DEFAULT_FROM_EMAIL": "team-maturity@example.nhs.uk",
        "SITE_URL": SITE,
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.stdout.split() == [
        "core.mail.EmailBackend",
        "smtp.example.nhs.uk",
        "587",
        "team@example.nhs.uk",
        "p@ss",
        "True",
        "False",
        "5",
    ], result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"EMAIL_HOST": "smtp.example.nhs.uk", "SITE_URL": SITE}, "set DEFAULT_FROM_EMAIL"),
        (
            {"EMAIL_HOST": "smtp.example.nhs.uk", "DEFAULT_FROM_EMAIL": "a@example.nhs.uk"},
            "set SITE_URL",
        ),
        ({"EMAIL_HOST_USER": "someone"}, "set EMAIL_HOST too"),
        (
            {"EMAIL_HOST": "smtp.example.nhs.uk", "EMAIL_HOST_USER": "someone"},
            "both EMAIL_HOST_USER and EMAIL_HOST_PASSWORD",
        ),
        (
            {
                "EMAIL_HOST": "smtp.example.nhs.uk",
                "EMAIL_HOST_USER": "a",
                "EMAIL_HOST_PASSWORD": "b",
            },
            "would cross the network in clear",
        ),
        (
            {"EMAIL_HOST": "smtp.example.nhs.uk", "EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"},
            "choose the one your relay speaks",
        ),
        ({"EMAIL_URL": "smtps://a:secret@smtp.example.nhs.uk"}, "smtp, smtp+tls or smtp+ssl"),
        ({"EMAIL_PORT": "five-eight-seven"}, "EMAIL_PORT must be a whole number"),
    ],
)
def test_a_relay_half_configured_is_refused_at_start(env, message):
    result = import_settings(DEBUG="true", **env)
    assert result.returncode != 0
    assert message in result.stderr
    assert "secret" not in result.stderr


def test_a_relay_that_does_not_answer_is_waited_for_once(relay, settings, client, member_a, caplog):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts, never greets
    settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = silent.getsockname()[1], 1
    try:
        with caplog.at_level(logging.WARNING):
            response = client.post(reverse("password_reset"), {"email": "alex@example.nhs.uk"})
    finally:
        silent.close()
    assert response.status_code == 302
    (error,) = [r for r in caplog.records if r.name == "core.mail"]
    assert error.levelname == "ERROR" and "attempt 1 of 3" in error.getMessage()
