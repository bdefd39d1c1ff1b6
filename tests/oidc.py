"""A real OpenID Connect provider for the tests: panva's oidc-provider under
Node, on a free loopback port (tests/oidc_provider/server.mjs).

`make test` installs it (`npm ci` into tests/oidc_provider/node_modules, git
ignored). The tests hold the provider's signing key, so they can also sign
tokens exactly as it would, with one claim changed.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.cache import cache

PROVIDER_DIR = Path(settings.BASE_DIR, "tests", "oidc_provider")
CLIENT_ID = "maturity-tests"


def make_key() -> dict:
    """A private RSA JWK with a key id, as the provider holds it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key))
    jwk.pop("key_ops", None)  # ["sign"] would stop the provider checking its own tokens
    jwk.update(kid=secrets.token_hex(8), alg="RS256", use="sig")
    return jwk


@dataclass
class OidcProvider:
    """One running provider. `accounts` (login name -> claims) is written to
    a file the provider reads at every sign-in: set it, then `save()`."""

    directory: Path
    jwk: dict = field(default_factory=make_key)
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    accounts: dict = field(default_factory=dict)
    issuer: str = ""
    process: subprocess.Popen | None = None

    @property
    def accounts_file(self) -> Path:
        return self.directory / "accounts.json"

    def save(self) -> None:
        self.accounts_file.write_text(json.dumps(self.accounts))

    def start(self) -> OidcProvider:
        node = shutil.which("node")
        if not node or not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
            raise RuntimeError(
                "The test OpenID Connect provider is not installed: run `make oidc-provider` "
                "(make test does it; it needs node and npm)"
            )
        self.save()
        config = self.directory / "config.json"
        config.write_text(
            json.dumps(
                {
                    "client_id": CLIENT_ID,
                    "client_secret": self.client_secret,
                    "jwk": self.jwk,
                    "accounts_file": str(self.accounts_file),
                }
            )
        )
        self.process = subprocess.Popen(
            [node, str(PROVIDER_DIR / "server.mjs")],
            env={**os.environ, "OIDC_TEST_CONFIG": str(config)},
            stdout=subprocess.PIPE,
            stderr=open(self.directory / "provider.log", "wb"),  # noqa: SIM115
            text=True,
        )
        line = self.process.stdout.readline()
        if not line.startswith("listening "):
            self.stop()
            log = (self.directory / "provider.log").read_text()
            raise RuntimeError(f"The test provider did not start: {line!r}\n{log}")
        self.issuer = line.split()[1]
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def settings(self, **extra) -> dict:
        """Django settings that connect the service to this provider."""
        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_DISCOVERY_URL": f"{self.issuer}/.well-known/openid-configuration",
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            **extra,
        }

    def sign(self, claims: dict, *, jwk: dict | None = None) -> str:
        """An ID token signed with this provider's key (or another)."""
        jwk = jwk or self.jwk
        key = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk))
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": jwk["kid"]})


class _Forms(HTMLParser):
    """The forms on a provider page: action and input values."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "fields": {}})
        elif tag in ("input", "button") and self.forms and attrs.get("name"):
            if attrs.get("type") not in ("submit",) or tag == "input":
                self.forms[-1]["fields"].setdefault(attrs["name"], attrs.get("value", ""))


def provider_sign_in(authorize_url: str, login: str) -> str:
    """Sign in at the provider as `login` the way a person would (its login
    form, then its consent form), without following the final redirect back
    to the service: returns the callback URL the provider sends the browser to."""
    browser = requests.Session()
    url = authorize_url
    for _ in range(10):
        response = browser.get(url, allow_redirects=False, timeout=10)
        while response.is_redirect:
            location = urljoin(url, response.headers["Location"])
            if urlparse(location).path.endswith("/accounts/organisation/callback/"):
                return location
            url = location
            response = browser.get(url, allow_redirects=False, timeout=10)
        parser = _Forms()
        parser.feed(response.text)
        if not parser.forms:
            raise AssertionError(f"No form on the provider's page {url}:\n{response.text[:2000]}")
        form = parser.forms[0]
        data = dict(form["fields"])
        if "login" in data or "password" in data:
            data.update(login=login, password="any")
        response = browser.post(
            urljoin(url, form["action"]), data=data, allow_redirects=False, timeout=10
        )
        if not response.is_redirect:
            raise AssertionError(f"The provider did not move on:\n{response.text[:2000]}")
        location = urljoin(url, response.headers["Location"])
        if urlparse(location).path.endswith("/accounts/organisation/callback/"):
            return location
        url = location
    raise AssertionError("The provider's sign-in did not finish")


def callback_params(callback_url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(callback_url).query).items()}


# Who can sign in at the test provider (login name -> claims). Fran is in
# the facilitators' group; Alex is in none; Olly is from another tenant
# with an email address from another domain.
ACCOUNTS = {
    "fran": {
        "email": "fran.facilitator@trust.nhs.uk",
        "given_name": "Fran",
        "family_name": "Facilitator",
        "name": "Fran Facilitator",
        "preferred_username": "fran.facilitator@trust.nhs.uk",
        "groups": ["maturity-facilitators", "all-staff"],
        "tid": "tenant-trust",
    },
    "alex": {
        "email": "alex.member@trust.nhs.uk",
        "name": "Alex Member",
        "preferred_username": "alex.member@trust.nhs.uk",
        "groups": ["all-staff"],
        "tid": "tenant-trust",
    },
    "olly": {
        "email": "olly@elsewhere.example.com",
        "name": "Olly Outsider",
        "preferred_username": "olly@elsewhere.example.com",
        "groups": ["maturity-facilitators"],
        "tid": "tenant-elsewhere",
    },
}
FACILITATOR_GROUP = "maturity-facilitators"
ADMIN_GROUP = "maturity-admins"


@pytest.fixture(scope="session")
def _running_provider(tmp_path_factory):
    provider = OidcProvider(tmp_path_factory.mktemp("oidc-provider")).start()
    yield provider
    provider.stop()


@pytest.fixture
def oidc_provider(_running_provider, settings, db):
    """The real provider, with the default accounts, and the service
    connected to it (roles mapped from its groups)."""
    _running_provider.accounts = json.loads(json.dumps(ACCOUNTS))
    _running_provider.save()
    for name, value in _running_provider.settings().items():
        setattr(settings, name, value)
    settings.OIDC_FACILITATOR_GROUPS = [FACILITATOR_GROUP]
    settings.OIDC_ADMIN_GROUPS = [ADMIN_GROUP]
    cache.clear()  # the discovery document of an earlier provider
    yield _running_provider
    cache.clear()


def start_sign_in(client, next_url: str | None = None) -> str:
    """The service's redirect to the provider's authorization endpoint."""
    from django.urls import reverse

    query = {"next": next_url} if next_url else {}
    response = client.get(reverse("identity:start"), query)
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def back_from_provider(client, callback_url: str):
    """The browser arriving back at the service's callback."""
    parts = urlparse(callback_url)
    return client.get(parts.path, callback_params(callback_url))


def sign_in_at_provider(client, login: str, next_url: str | None = None):
    """The whole organisation sign-in, as a browser goes through it."""
    return back_from_provider(client, provider_sign_in(start_sign_in(client, next_url), login))
