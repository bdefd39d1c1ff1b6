"""A provider that is down, slow or broken gets a calm page (503) saying to
try again later, and a warning in the log; /healthz does not notice."""

from __future__ import annotations

import socket
import threading

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.oidc import OidcProvider, back_from_provider, provider_sign_in, start_sign_in

NOT_ANSWERING = "Your organisation's sign-in is not answering"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def silent_server():
    """Accepts connections and never answers: a provider that hangs."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def configure(settings, issuer: str) -> None:
    settings.OIDC_ISSUER = issuer
    settings.OIDC_DISCOVERY_URL = f"{issuer}/.well-known/openid-configuration"
    settings.OIDC_RP_CLIENT_ID = "maturity"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    cache.clear()


def assert_calm(response, caplog):
    assert response.status_code == 503
    page = response.content.decode()
    assert NOT_ANSWERING in page
    assert "Try signing in again" in page
    assert "identity.views" in {r.name for r in caplog.records}


def test_an_unreachable_provider_gets_a_calm_page(client, db, settings, caplog):
    configure(settings, f"http://127.0.0.1:{closed_port()}")
    response = client.get(reverse("identity:start"))
    assert_calm(response, caplog)


def test_a_provider_that_does_not_answer_times_out_with_a_calm_page(
    client, db, settings, caplog, silent_server
):
    configure(settings, silent_server)
    settings.OIDC_TIMEOUT = 1
    response = client.get(reverse("identity:start"))
    assert_calm(response, caplog)
    assert "Read timed out" in caplog.text


def test_a_discovery_document_for_another_issuer_is_not_trusted(
    client, oidc_provider, settings, caplog
):
    settings.OIDC_ISSUER = "https://login.example.com/tenant/v2.0"
    response = client.get(reverse("identity:start"))
    assert_calm(response, caplog)
    assert "names issuer" in caplog.text


def test_a_provider_that_goes_down_mid_sign_in_gets_a_calm_page(
    client, db, settings, caplog, tmp_path
):
    from tests.oidc import ACCOUNTS

    provider = OidcProvider(tmp_path, accounts=ACCOUNTS).start()
    try:
        for name, value in provider.settings().items():
            setattr(settings, name, value)
        cache.clear()
        callback = provider_sign_in(start_sign_in(client), "alex")
    finally:
        provider.stop()

    response = back_from_provider(client, callback)

    assert_calm(response, caplog)
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_a_provider_that_went_down_after_discovery_gets_a_calm_page_not_a_redirect(
    client, db, settings, caplog, tmp_path, monkeypatch
):
    """Its discovery document is still cached for an hour: before the
    browser is sent there, the service asks whether it answers now."""
    from identity import provider as identity_provider
    from tests.oidc import ACCOUNTS

    monkeypatch.setattr(identity_provider, "CHECK_SECONDS", 0)  # asked every time
    provider = OidcProvider(tmp_path, accounts=ACCOUNTS).start()
    try:
        for name, value in provider.settings().items():
            setattr(settings, name, value)
        cache.clear()
        assert client.get(reverse("identity:start")).status_code == 302
    finally:
        provider.stop()

    response = client.get(reverse("identity:start"))

    assert_calm(response, caplog)
    assert "not answering" in caplog.text


def test_health_check_does_not_depend_on_the_provider(client, db, settings):
    configure(settings, f"http://127.0.0.1:{closed_port()}")
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_signing_out_when_the_provider_is_down_still_signs_out_here(
    client, oidc_provider, settings, caplog
):
    from tests.oidc import sign_in_at_provider

    sign_in_at_provider(client, "alex")
    configure(settings, f"http://127.0.0.1:{closed_port()}")

    response = client.post(reverse("logout"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("login")
    assert "close your browser to finish signing out" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
