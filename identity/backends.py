"""How people are let in: by password (unless switched off), or by their
organisation's identity provider (OpenID Connect, via mozilla-django-oidc).

mozilla-django-oidc does the protocol: state, nonce, PKCE, the token
request, the signature against the provider's JWKS. This module adds what
it leaves to the application: the endpoints from discovery, the audience,
issuer and expiry checks on the ID token, accounts keyed on (issuer, sub),
the allow-list and the roles.
"""

from __future__ import annotations

import hashlib
import logging
import time

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from audit.events import record
from audit.models import Kind
from identity.models import OrganisationAccount
from identity.provider import ProviderUnavailable, discover, expected_issuer, is_configured
from teams.roles import ADMINS, FACILITATORS, forget_roles, with_roles

logger = logging.getLogger(__name__)

# Seconds of clock difference tolerated between the provider and us.
CLOCK_SKEW = 60


# What the checks with the provider after sign-in need (identity/recheck.py).
REFRESH = "oidc_refresh_token"
CHECKED = "oidc_checked_at"


def remember(session, refresh_token: str) -> None:
    """At sign-in: what the checks need, or nothing if there is nothing to use."""
    if refresh_token:
        session[REFRESH] = refresh_token
        session[CHECKED] = time.time()
        return
    session.pop(REFRESH, None)
    session.pop(CHECKED, None)
    logger.warning(
        "Organisation sign-in: the provider issued no refresh token, so roles are checked "
        "only at sign-in (ask for the offline_access scope: OIDC_SCOPES)"
    )


class SignInFailed(Exception):
    """The answer from the provider could not be trusted: a wrong state,
    nonce, signature, audience or issuer, an expired token, a code that
    was already used. The person starts again."""


class SignInRefused(Exception):
    """The provider vouched for the person, but this service does not let
    them in (not an allowed tenant or email domain, account switched off)."""

    def __init__(self, reason: str, person=None):
        super().__init__(reason)
        self.reason = reason
        self.person = person  # the account refused, when there is one (for the audit)


class PasswordBackend(ModelBackend):
    """Django's username and password, unless PASSWORD_SIGN_IN is off; then
    only the named break-glass accounts (BREAK_GLASS_ACCOUNTS) may use it,
    and other password sessions end at their next request."""

    def get_user(self, user_id):
        """The signed-in person on each request, with their roles."""
        UserModel = get_user_model()
        user = with_roles(UserModel._default_manager).filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user) -> bool:
        if not super().user_can_authenticate(user):
            return False
        return settings.PASSWORD_SIGN_IN or user.get_username() in settings.BREAK_GLASS_ACCOUNTS


class OrganisationBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # No network and no discovery here: Django builds a backend on every
        # request from someone signed in this way (get_user).
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = get_user_model()

    def get_user(self, user_id):
        user = with_roles(self.UserModel._default_manager).filter(pk=user_id).first()
        return user if user is not None and user.is_active else None

    def authenticate(self, request, **kwargs):
        # Only the callback passes a nonce; password sign-ins pass through.
        if request is None or "nonce" not in kwargs or not is_configured():
            return None
        self.use(discover())
        self.refresh_token = ""
        try:
            user = super().authenticate(request, **kwargs)
        except requests.HTTPError as error:
            status = error.response.status_code if error.response is not None else 0
            if 400 <= status < 500:
                # invalid_grant: a code already used, or a PKCE verifier that does not match.
                raise SignInFailed(f"the provider refused the code: {error}") from error
            raise ProviderUnavailable(f"the provider answered {status}: {error}") from error
        except requests.RequestException as error:
            raise ProviderUnavailable(f"the provider did not answer: {error!r}") from error
        except (SuspiciousOperation, jwt.InvalidTokenError, KeyError, ValueError) as error:
            raise SignInFailed(f"{type(error).__name__}: {error}") from error
        if user is None:
            raise SignInFailed("the provider's answer was not accepted (see the warning above)")
        remember(request.session, self.refresh_token)
        return user

    def use(self, provider) -> None:
        self.provider = provider
        self.OIDC_OP_TOKEN_ENDPOINT = provider.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = provider.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = provider.jwks_uri

    def get_token(self, payload):
        tokens = super().get_token(payload)
        # Kept for the checks with the provider (identity/recheck.py).
        self.refresh_token = tokens.get("refresh_token") or ""
        return tokens

    def _verify_jws(self, payload, key):
        """The signature (as mozilla-django-oidc checks it), and also the
        audience, issuer, expiry and issue time, which it leaves out."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token signed with {header.get('alg')!r}")
        unverified = jwt.decode(payload, options={"verify_signature": False})
        return jwt.decode(
            payload,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=expected_issuer(self.provider.issuer, unverified),
            leeway=CLOCK_SKEW,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )

    def get_or_create_user(self, access_token, id_token, payload):
        claims = {}
        if self.provider.userinfo_endpoint:
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if not isinstance(userinfo, dict) or userinfo.get("sub") != payload["sub"]:
                raise SuspiciousOperation("userinfo is about someone else")
            claims.update(userinfo)
        claims.update(payload)  # the signed token wins
        refusal = refusal_reason(claims)
        if refusal:
            raise SignInRefused(refusal)
        return sign_in_account(claims, self.request)


def refusal_reason(claims: dict) -> str | None:
    """Why the allow-list keeps this person out, or None."""
    tenants = settings.OIDC_ALLOWED_TENANTS
    if tenants and str(claims.get("tid", "")) not in tenants:
        return "tenant"
    domains = settings.OIDC_ALLOWED_EMAIL_DOMAINS
    if domains:
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email or claims.get("email_verified") is False:
            return "domain"
        if email.rpartition("@")[2].lower() not in domains:
            return "domain"
    return None


def sign_in_account(claims: dict, request=None):
    """The person's account, created at their first sign-in; name, email
    and roles refreshed from the provider every time."""
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    if len(issuer) > 255 or len(subject) > 255:
        raise SuspiciousOperation("issuer or subject too long")
    try:
        with transaction.atomic():
            account = _account(issuer, subject, claims, request)
    except IntegrityError:
        # Two first sign-ins at once (two tabs): the other one made it.
        with transaction.atomic():
            account = _account(issuer, subject, claims, request)
    return account.user


def _account(issuer: str, subject: str, claims: dict, request=None) -> OrganisationAccount:
    account = (
        OrganisationAccount.objects.select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if account is None:
        user = get_user_model().objects.create_user(_new_username(claims, issuer, subject))
        account = OrganisationAccount.objects.create(user=user, issuer=issuer, subject=subject)
        logger.info("Organisation sign-in: new account %s for %s", user.pk, issuer)
    user = account.user
    if not user.is_active:
        raise SignInRefused("inactive", person=user)
    update_from_claims(user, claims, request)
    account.last_signed_in_at = timezone.now()
    account.save(update_fields=["last_signed_in_at"])
    return account


def update_from_claims(user, claims: dict, request=None) -> None:
    """Name, email and roles as the provider says now: at every sign-in and
    every check with the provider (identity/recheck.py), whose request
    gives the audit trail where it came from."""
    _refresh_profile(user, claims)
    _apply_roles(user, claims, request)


def _text(value, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _refresh_profile(user, claims: dict) -> None:
    first = _text(claims.get("given_name"), 150)
    last = _text(claims.get("family_name"), 150)
    if not first and not last:
        first, _, last = _text(claims.get("name"), 301).partition(" ")
    email = _text(claims.get("email"), 1000)
    user.first_name, user.last_name = first[:150], last[:150]
    user.email = email if len(email) <= 254 and "@" in email else ""
    user.save(update_fields=["first_name", "last_name", "email"])


def _new_username(claims: dict, issuer: str, subject: str) -> str:
    """Readable in the admin (people are picked by username there): the
    provider's user name or email address, made unique. Never used to find
    the account again."""
    digest = hashlib.sha256(f"{issuer} {subject}".encode()).hexdigest()[:12]
    base = ""
    for claim in ("preferred_username", "email"):
        value = claims.get(claim)
        if isinstance(value, str) and value.strip():
            base = "".join(c for c in value.strip().lower() if c.isalnum() or c in "@.+-_")
            break
    base = base[:140] or f"person-{digest}"
    users = get_user_model().objects
    candidate, n = base, 1
    while users.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _apply_roles(user, claims: dict, request=None) -> None:
    """Facilitators and Admins follow the provider's groups (or app roles)
    when OIDC_FACILITATOR_GROUPS / OIDC_ADMIN_GROUPS are set; a role whose
    setting is empty is managed in the service instead. A change is one
    event in the audit trail, made by the person's own sign-in."""
    held = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(held, str):
        held = [held]
    held = {str(g) for g in held} if isinstance(held, list) else set()
    had = set(user.groups.filter(name__in=[FACILITATORS, ADMINS]).values_list("name", flat=True))
    added, removed = [], []
    for role, wanted in (
        (FACILITATORS, settings.OIDC_FACILITATOR_GROUPS),
        (ADMINS, settings.OIDC_ADMIN_GROUPS),
    ):
        if not wanted:
            continue
        should_hold = bool(held & set(wanted))
        if should_hold == (role in had):
            continue
        group, _ = Group.objects.get_or_create(name=role)
        if should_hold:
            user.groups.add(group)
            added.append(role)
        else:
            user.groups.remove(group)
            removed.append(role)
    if added or removed:
        forget_roles(user)  # this request's pages show the roles held now
        record(
            Kind.ROLE_CHANGED,
            request,
            actor=user,
            person=user,
            source="provider",
            added=added,
            removed=removed,
        )
