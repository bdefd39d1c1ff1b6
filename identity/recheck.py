"""Someone signed in through the organisation's provider is checked with it
again every OIDC_RECHECK_MINUTES (default 15), not only at sign-in: a
leaver's session ends, and a role taken away at the provider goes, within
minutes rather than at the next sign-in (up to 8 hours later).

The check is the refresh token the provider gave at sign-in (the
`offline_access` scope), sent to its token endpoint from the server (no
redirect, so it works alike for pages, posts and htmx):

- the provider answers with fresh tokens: name, email and roles are
  refreshed from its claims exactly as at sign-in;
- the provider refuses the refresh token (`invalid_grant`: the account is
  disabled, deleted or its sessions revoked), or its claims no longer let
  the person in (another tenant or domain, an account switched off here):
  the session ends, and the sign-in page says why;
- the provider cannot be reached or answers with an error of its own: the
  person carries on with the roles they had, the log says so, and the check
  is made again a minute later. A provider that is down does not sign
  everyone out.

A provider that issues no refresh token leaves roles as they were at
sign-in (a warning says so at each sign-in). The live room's streams are
not checked (they change nothing); the next page or post is.
"""

from __future__ import annotations

import logging
import time

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url

from identity.backends import (
    CHECKED,
    REFRESH,
    OrganisationBackend,
    refusal_reason,
    update_from_claims,
)
from identity.models import OrganisationAccount
from identity.provider import ProviderUnavailable, discover, is_configured

logger = logging.getLogger(__name__)

RETRY_SECONDS = 60
TIMEOUT_SECONDS = 5


class Ended(Exception):
    """The provider no longer lets this person in."""


class Unreachable(Exception):
    """The provider could not answer the check just now."""


def due(session) -> bool:
    checked = session.get(CHECKED)
    return checked is not None and time.time() - checked >= settings.OIDC_RECHECK_MINUTES * 60


def middleware(get_response):
    def check(request: HttpRequest) -> HttpResponse:
        if (
            is_configured()
            and not request.path.endswith("/events/")
            and due(request.session)
            and request.user.is_authenticated
        ):
            ended = recheck(request)
            if ended is not None:
                return ended
        return get_response(request)

    return check


def recheck(request: HttpRequest) -> HttpResponse | None:
    session, user = request.session, request.user
    token = session.get(REFRESH)
    try:
        session[REFRESH] = ask_provider(user, token, request) or token
        session[CHECKED] = time.time()
        return None
    except Unreachable as error:
        logger.warning(
            "Organisation sign-in: could not check user %s with the provider (%s); "
            "they keep their roles and are checked again in %s s",
            user.pk,
            error,
            RETRY_SECONDS,
        )
        session[CHECKED] = time.time() - settings.OIDC_RECHECK_MINUTES * 60 + RETRY_SECONDS
        return None
    except Ended as ended:
        stored = session.__class__(session.session_key).get(REFRESH)
        if stored and stored != token:
            return None  # another request has just checked and rotated the token
        logger.warning("Organisation sign-in: ended for user %s: %s", user.pk, ended)
        auth.logout(request)
        messages.info(
            request,
            "You have been signed out: your organisation's sign-in no longer lets you in "
            "with the access you had. Sign in again to carry on.",
        )
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
            return response
        return redirect_to_login(request.get_full_path())


def ask_provider(user, refresh_token: str, request: HttpRequest | None = None) -> str:
    """The provider's answer for this person now: their claims applied as
    at sign-in; returns the refresh token to use next time (it may rotate)."""
    try:
        provider = discover()
    except ProviderUnavailable as error:
        raise Unreachable(str(error)) from error
    try:
        response = requests.post(
            provider.token_endpoint,
            data={
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
                "client_id": settings.OIDC_RP_CLIENT_ID,
                "client_secret": settings.OIDC_RP_CLIENT_SECRET,
            },
            timeout=min(TIMEOUT_SECONDS, settings.OIDC_TIMEOUT),
        )
    except requests.RequestException as error:
        raise Unreachable(f"the token endpoint did not answer: {error!r}") from error
    if response.status_code in (400, 401):
        raise Ended(f"the provider refused the refresh token: {response.text[:200]}")
    if response.status_code != 200:
        raise Unreachable(f"the token endpoint answered {response.status_code}")
    try:
        tokens = response.json()
        backend = OrganisationBackend()
        backend.use(provider)
        claims = {}
        if tokens.get("id_token"):
            key = backend.retrieve_matching_jwk(tokens["id_token"])
            claims.update(backend._verify_jws(tokens["id_token"], key))
        if provider.userinfo_endpoint and tokens.get("access_token"):
            userinfo = backend.get_userinfo(tokens["access_token"], None, claims)
            if claims and userinfo.get("sub") != claims.get("sub"):
                raise SuspiciousOperation("userinfo is about someone else")
            claims = {**userinfo, **claims}  # the signed token wins
    except requests.RequestException as error:
        raise Unreachable(f"the provider did not answer: {error!r}") from error
    except (SuspiciousOperation, jwt.InvalidTokenError, KeyError, ValueError, TypeError) as error:
        raise Unreachable(f"the provider's answer was not accepted: {error!r}") from error
    account = OrganisationAccount.objects.filter(user=user).first()
    if account is None or str(claims.get("sub", account.subject)) != account.subject:
        raise Ended("the provider answered for someone else")
    reason = refusal_reason(claims)
    if reason:
        raise Ended(f"not allowed in any more ({reason})")
    if not user.is_active:
        raise Ended("the account is switched off here")
    update_from_claims(user, claims, request)
    return tokens.get("refresh_token") or ""
