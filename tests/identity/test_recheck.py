"""Someone signed in through the provider is checked with it again every
OIDC_RECHECK_MINUTES (identity/recheck.py): a role taken away at the
provider goes, a leaver is signed out, and a provider that cannot be
reached signs nobody out. Against the real provider of tests/oidc.py."""

from __future__ import annotations

import time
from dataclasses import replace
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.urls import reverse

from identity import recheck
from identity.provider import discover
from tests.identity.test_provider_down import closed_port
from tests.oidc import back_from_provider, provider_sign_in, sign_in_at_provider, start_sign_in

WORKSHOPS = "workshops:list"  # facilitators only: 403 for anyone else


def last_checked_long_ago(client, settings) -> None:
    session = client.session
    session[recheck.CHECKED] = time.time() - settings.OIDC_RECHECK_MINUTES * 60 - 1
    session.save()


def test_sign_in_keeps_a_refresh_token_for_the_checks(client, oidc_provider):
    sign_in_at_provider(client, "fran")
    assert client.session[recheck.REFRESH]
    assert not recheck.due(client.session)


def test_every_sign_in_asks_for_consent_and_gets_a_refresh_token(oidc_provider):
    """The test provider drops offline_access from a request without
    prompt=consent (OpenID Connect Core, section 11), as some real ones do."""
    for _ in range(2):  # the second time the provider already knows the person
        client = Client()
        authorize = parse_qs(urlparse(start_sign_in(client)).query)
        assert authorize["prompt"] == ["consent"]
        assert "offline_access" in authorize["scope"][0].split()
        back_from_provider(client, provider_sign_in(start_sign_in(client), "fran"))
        assert client.session[recheck.REFRESH]


def test_without_consent_the_provider_gives_no_refresh_token(oidc_provider, settings):
    # What the tests above would catch: the request losing its prompt.
    settings.OIDC_OFFLINE_ACCESS_PARAMS = {}
    client = Client()
    sign_in_at_provider(client, "fran")
    assert client.session.get("_auth_user_id")
    assert not client.session.get(recheck.REFRESH)


def test_a_provider_that_needs_no_prompt_is_sent_none(client, oidc_provider, settings):
    settings.OIDC_OFFLINE_ACCESS_PARAMS = {}
    assert "prompt" not in parse_qs(urlparse(start_sign_in(client)).query)
    settings.OIDC_OFFLINE_ACCESS_PARAMS = {"prompt": "consent"}
    settings.OIDC_RP_SCOPES = "openid profile email"
    assert "prompt" not in parse_qs(urlparse(start_sign_in(client)).query)


def test_a_role_taken_away_at_the_provider_goes_at_the_next_check(client, oidc_provider, settings):
    sign_in_at_provider(client, "fran")
    assert client.get(reverse(WORKSHOPS)).status_code == 200
    oidc_provider.accounts["fran"]["groups"] = ["all-staff"]
    oidc_provider.save()
    # Not yet due: the role lasts until the check, at most OIDC_RECHECK_MINUTES.
    assert client.get(reverse(WORKSHOPS)).status_code == 200
    last_checked_long_ago(client, settings)

    assert client.get(reverse(WORKSHOPS)).status_code == 403
    home = client.get(reverse("home"))
    assert home.status_code == 200 and home.wsgi_request.user.is_authenticated
    assert not recheck.due(client.session)


def test_a_role_given_at_the_provider_arrives_at_the_next_check(client, oidc_provider, settings):
    sign_in_at_provider(client, "alex")
    assert client.get(reverse(WORKSHOPS)).status_code == 403
    oidc_provider.accounts["alex"]["groups"].append("maturity-facilitators")
    oidc_provider.save()
    last_checked_long_ago(client, settings)
    assert client.get(reverse(WORKSHOPS)).status_code == 200


@pytest.mark.parametrize("htmx", [False, True])
def test_a_leaver_is_signed_out_at_the_next_check(client, oidc_provider, settings, caplog, htmx):
    sign_in_at_provider(client, "fran")
    oidc_provider.accounts["fran"] = None  # gone from the organisation's directory
    oidc_provider.save()
    last_checked_long_ago(client, settings)

    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get(reverse(WORKSHOPS), **headers)

    if htmx:
        assert response.status_code == 204
        assert response["HX-Redirect"] == reverse("login")
    else:
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    page = client.get(reverse("login"))
    assert not page.wsgi_request.user.is_authenticated
    assert "You have been signed out" in page.content.decode()
    assert "Organisation sign-in: ended for user" in caplog.text


def test_a_provider_that_cannot_be_reached_signs_nobody_out(
    client, oidc_provider, settings, caplog, monkeypatch
):
    sign_in_at_provider(client, "fran")
    down = replace(discover(), token_endpoint=f"http://127.0.0.1:{closed_port()}/token")
    monkeypatch.setattr(recheck, "discover", lambda: down)
    last_checked_long_ago(client, settings)

    assert client.get(reverse(WORKSHOPS)).status_code == 200  # still a facilitator

    assert "could not check user" in caplog.text
    checked = client.session[recheck.CHECKED]
    next_check = checked + settings.OIDC_RECHECK_MINUTES * 60 - time.time()
    assert 0 < next_check <= recheck.RETRY_SECONDS  # asked again in a minute
