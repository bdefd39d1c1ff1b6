"""The organisation's identity provider, as its discovery document describes it.

Nothing here runs at start-up or on /healthz: the document is fetched when
someone starts to sign in (or out), with the configured time-out, and kept
for an hour so a provider that is down for a moment does not stop people
who are already on their way. Whether the provider answers at all is asked
again, briefly, before each browser is sent there (`answering`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

CACHE_SECONDS = 60 * 60
# Before a browser is sent to the provider: is it answering now? Asked at
# most this often per server process's cache, each time waiting at most
# CHECK_TIMEOUT seconds, so a provider that went down shows our calm page
# instead of the browser's own error page.
CHECK_SECONDS = 10
CHECK_TIMEOUT = 2


class ProviderUnavailable(Exception):
    """The provider did not answer, answered too slowly, or answered nonsense."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str = ""
    end_session_endpoint: str = ""


def is_configured() -> bool:
    return bool(settings.OIDC_ISSUER)


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def discover() -> Provider:
    """The provider's endpoints, from the cache or its discovery document."""
    url = settings.OIDC_DISCOVERY_URL
    key = f"oidc-discovery:{url}"
    found = cache.get(key)
    if found is not None:
        return Provider(**found)
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
        provider = Provider(
            issuer=document["issuer"],
            authorization_endpoint=document["authorization_endpoint"],
            token_endpoint=document["token_endpoint"],
            jwks_uri=document["jwks_uri"],
            userinfo_endpoint=document.get("userinfo_endpoint", ""),
            end_session_endpoint=document.get("end_session_endpoint", ""),
        )
    except (requests.RequestException, ValueError, KeyError, TypeError) as error:
        raise ProviderUnavailable(f"discovery at {url} failed: {error!r}") from error
    if provider.issuer != settings.OIDC_ISSUER:
        # A document that names another issuer is not this provider's
        # (OpenID Connect Discovery 1.0, section 4.3).
        raise ProviderUnavailable(
            f"discovery at {url} names issuer {provider.issuer!r}, "
            f"not the configured {settings.OIDC_ISSUER!r}"
        )
    cache.set(key, provider.__dict__, CACHE_SECONDS)
    return provider


def expected_issuer(discovered: str, claims: dict) -> str:
    """The `iss` an ID token must carry. Entra ID's multi-tenant documents
    (`.../organizations/v2.0/...`) name the issuer with a `{tenantid}`
    placeholder, which the token's own tenant fills in; the allow-list of
    tenants then says which tenants may sign in."""
    if "{tenantid}" in discovered:
        return discovered.replace("{tenantid}", str(claims.get("tid", "")))
    return discovered


def answering() -> bool:
    """Does the provider answer now? Its discovery document asked for with a
    short time-out, the answer kept for CHECK_SECONDS either way."""
    url = settings.OIDC_DISCOVERY_URL
    key = f"oidc-answering:{url}"
    known = cache.get(key)
    if known is not None:
        return known
    try:
        response = requests.get(url, timeout=min(CHECK_TIMEOUT, settings.OIDC_TIMEOUT))
        up = response.status_code == 200
        if not up:
            logger.warning("The identity provider answered %s at %s", response.status_code, url)
    except requests.RequestException as error:
        logger.warning("The identity provider is not answering at %s: %r", url, error)
        up = False
    cache.set(key, up, CHECK_SECONDS)
    return up
