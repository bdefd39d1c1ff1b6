"""A callback that cannot be trusted never signs anyone in: it gets a calm
page saying to start again (400), and a warning in the log.

Each case runs the real sign-in at the real provider, then changes one
thing: the state in the callback, the nonce the session expects, or the ID
token on its way back from the token endpoint (re-signed with the
provider's own key, so only the changed claim is wrong; or with a key the
provider does not publish). The untouched re-signed token signs in, so the
harness itself breaks nothing.
"""

from __future__ import annotations

import logging
import time

import jwt
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from identity.backends import OrganisationBackend
from tests.oidc import (
    back_from_provider,
    callback_params,
    make_key,
    provider_sign_in,
    start_sign_in,
)

FAILED = "Sign-in could not be completed"


def signed_in(client) -> bool:
    return client.get(reverse("home")).wsgi_request.user.is_authenticated


def assert_refused(response, caplog, client):
    assert response.status_code == 400
    assert FAILED in response.content.decode()
    assert not signed_in(client)
    assert not get_user_model().objects.exists()
    assert any(
        r.name == "identity.views" and r.levelno == logging.WARNING for r in caplog.records
    ), "the refusal was not logged"


@pytest.fixture
def replace_id_token(monkeypatch):
    """Swap the ID token in the token endpoint's real answer for one made
    from its claims by `make(claims) -> token`."""

    def install(make):
        original = OrganisationBackend.get_token

        def get_token(self, payload):
            tokens = original(self, payload)
            claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
            tokens["id_token"] = make(claims)
            return tokens

        monkeypatch.setattr(OrganisationBackend, "get_token", get_token)

    return install


def test_the_harness_lets_an_untouched_token_through(client, oidc_provider, replace_id_token):
    replace_id_token(lambda claims: oidc_provider.sign(claims))
    response = back_from_provider(client, provider_sign_in(start_sign_in(client), "alex"))
    assert response.status_code == 302
    assert signed_in(client)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"aud": "another-service"}, id="another audience"),
        pytest.param({"iss": "https://login.example.com/other"}, id="another issuer"),
        pytest.param({"exp": int(time.time()) - 600}, id="expired"),
        pytest.param({"nonce": "not-the-one-we-sent"}, id="wrong nonce in the token"),
        pytest.param({"exp": None}, id="no expiry"),
    ],
)
def test_a_token_with_a_wrong_claim_is_refused(
    change, client, oidc_provider, replace_id_token, caplog
):
    def make(claims):
        claims.update(change)
        return oidc_provider.sign({k: v for k, v in claims.items() if v is not None})

    replace_id_token(make)
    response = back_from_provider(client, provider_sign_in(start_sign_in(client), "alex"))
    assert_refused(response, caplog, client)


def test_a_token_signed_with_a_key_the_provider_does_not_publish_is_refused(
    client, oidc_provider, replace_id_token, caplog
):
    rogue = make_key()
    rogue["kid"] = oidc_provider.jwk["kid"]  # claims to be the provider's key
    replace_id_token(lambda claims: oidc_provider.sign(claims, jwk=rogue))
    response = back_from_provider(client, provider_sign_in(start_sign_in(client), "alex"))
    assert_refused(response, caplog, client)


def test_a_token_with_an_unknown_key_id_is_refused(client, oidc_provider, replace_id_token, caplog):
    replace_id_token(lambda claims: oidc_provider.sign(claims, jwk=make_key()))
    response = back_from_provider(client, provider_sign_in(start_sign_in(client), "alex"))
    assert_refused(response, caplog, client)


def test_an_unsigned_token_is_refused(client, oidc_provider, replace_id_token, caplog):
    replace_id_token(lambda claims: jwt.encode(claims, None, algorithm="none"))
    response = back_from_provider(client, provider_sign_in(start_sign_in(client), "alex"))
    assert_refused(response, caplog, client)


def test_a_token_that_is_not_a_token_is_refused(client, oidc_provider, replace_id_token, caplog):
    replace_id_token(lambda claims: "not.a.token")
    response = back_from_provider(client, provider_sign_in(start_sign_in(client), "alex"))
    assert_refused(response, caplog, client)


def test_a_wrong_state_is_refused(client, oidc_provider, caplog):
    callback = provider_sign_in(start_sign_in(client), "alex")
    params = callback_params(callback)
    params["state"] = "a-state-we-never-sent"
    response = client.get(reverse("identity:callback"), params)
    assert_refused(response, caplog, client)


def test_the_session_expecting_another_nonce_is_refused(client, oidc_provider, caplog):
    """The provider's real token carries the nonce of this sign-in; the
    session expects another (as if the code came from someone else's)."""
    authorize = start_sign_in(client)
    session = client.session
    for state in session["oidc_states"].values():
        state["nonce"] = "another-nonce"
    session.save()
    response = back_from_provider(client, provider_sign_in(authorize, "alex"))
    assert_refused(response, caplog, client)


def test_a_replayed_callback_is_refused(client, oidc_provider, caplog):
    callback = provider_sign_in(start_sign_in(client), "alex")
    assert back_from_provider(client, callback).status_code == 302
    client.post(reverse("logout"))
    caplog.clear()

    response = back_from_provider(client, callback)

    assert response.status_code == 400
    assert FAILED in response.content.decode()
    assert not signed_in(client)


def test_a_callback_opened_in_another_browser_is_refused(client, oidc_provider, caplog):
    from django.test import Client

    callback = provider_sign_in(start_sign_in(client), "alex")
    other = Client()
    response = back_from_provider(other, callback)
    assert_refused(response, caplog, other)
    # The browser that started it can still finish.
    assert back_from_provider(client, callback).status_code == 302


def test_a_code_used_twice_is_refused_by_the_provider(client, oidc_provider, caplog):
    """Even with the state copied into another browser's session, the
    provider refuses a code that was already used."""
    from django.test import Client

    callback = provider_sign_in(start_sign_in(client), "alex")
    saved = client.session["oidc_states"]
    assert back_from_provider(client, callback).status_code == 302
    other = Client()
    session = other.session
    session["oidc_states"] = saved
    session.save()
    caplog.clear()

    response = back_from_provider(other, callback)

    assert response.status_code == 400
    assert FAILED in response.content.decode()
    assert not signed_in(other)
    assert "refused the code" in caplog.text


def test_the_provider_saying_no_gets_a_page_not_an_error(client, oidc_provider, caplog):
    start_sign_in(client)
    state = next(iter(client.session["oidc_states"]))
    response = client.get(
        reverse("identity:callback"),
        {"error": "access_denied", "error_description": "<b>no</b>", "state": state},
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "You were not signed in" in page
    assert "<b>no</b>" not in page
    assert state not in client.session["oidc_states"]
    assert "access_denied" in caplog.text
