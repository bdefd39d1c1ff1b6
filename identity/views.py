"""Organisation sign-in and sign-out, and the calm pages shown when either
cannot be completed. Every failure is logged (logger `identity.views`) and
answered with a page that says what to do next; none is a 500."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from audit.events import record
from audit.models import Kind
from identity.backends import SignInFailed, SignInRefused
from identity.provider import (
    Provider,
    ProviderUnavailable,
    answering,
    discover,
    is_configured,
)

logger = logging.getLogger(__name__)

# What each problem page says; the template has the words.
PROBLEM_STATUS = {
    "unavailable": 503,  # the provider is down, slow or answered with an error
    "failed": 400,  # a callback that cannot be trusted or was already used
    "cancelled": 403,  # the provider said no (or the person cancelled)
    "tenant": 403,  # not an allowed organisation
    "domain": 403,  # not an allowed email domain
    "inactive": 403,  # an admin switched the account off
}


def problem(request: HttpRequest, kind: str) -> HttpResponse:
    context = {"kind": kind, "provider_name": settings.OIDC_PROVIDER_NAME}
    return render(request, "identity/problem.html", context, status=PROBLEM_STATUS[kind])


class _StartView(OIDCAuthenticationRequestView):
    provider: Provider | None = None

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)
        self.OIDC_OP_AUTH_ENDPOINT = self.provider.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get_extra_params(self, request) -> dict:
        """A refresh token (the re-checks' key) needs more than the scope
        at some providers: what OIDC_OFFLINE_ACCESS_PARAMS says, prompt=consent
        unless set otherwise."""
        if "offline_access" in settings.OIDC_RP_SCOPES.split():
            return dict(settings.OIDC_OFFLINE_ACCESS_PARAMS)
        return {}


@never_cache
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Send the person to their organisation to sign in, with a fresh state,
    nonce and PKCE verifier kept in their session."""
    if not is_configured():
        raise Http404
    try:
        provider = discover()
    except ProviderUnavailable as error:
        logger.warning("Organisation sign-in could not start: %s", error)
        return problem(request, "unavailable")
    if not answering():
        # Its endpoints are known (cached), but it is down now: our calm
        # page rather than the browser's own error page.
        logger.warning("Organisation sign-in could not start: the provider is not answering")
        return problem(request, "unavailable")
    return _StartView.as_view(provider=provider)(request)


class _CallbackView(OIDCAuthenticationCallbackView):
    def get(self, request):
        if request.GET.get("error"):
            logger.warning(
                "Organisation sign-in: the provider answered %r", request.GET["error"][:100]
            )
            states = request.session.get("oidc_states")
            if isinstance(states, dict) and states.pop(request.GET.get("state"), None):
                request.session.modified = True  # that state cannot be used again
            return _failed(request, "cancelled", provider_error=request.GET["error"][:100])
        if not request.GET.get("code") or not request.GET.get("state"):
            logger.warning("Organisation sign-in: a callback without a code or state")
            return _failed(request, "failed")
        try:
            return super().get(request)
        except (SuspiciousOperation, SignInFailed) as error:
            logger.warning("Organisation sign-in refused an answer: %s", error)
            return _failed(request, "failed")
        except SignInRefused as refusal:
            logger.warning("Organisation sign-in: not allowed in (%s)", refusal.reason)
            return _failed(request, refusal.reason, person=refusal.person)
        except ProviderUnavailable as error:
            logger.warning("Organisation sign-in could not finish: %s", error)
            return _failed(request, "unavailable")

    def login_failure(self):
        # mozilla-django-oidc ends here when the session holds no sign-in in
        # progress (it expired, or the link was opened in another browser).
        logger.warning("Organisation sign-in: a callback with no sign-in in progress")
        return _failed(self.request, "failed")


def _failed(request: HttpRequest, kind: str, person=None, **detail) -> HttpResponse:
    """A sign-in through the provider that did not finish: its line in the
    audit trail (its success is recorded at login, identity/signals.py) and
    the page that says what to do next."""
    record(
        Kind.SIGN_IN_FAILED,
        request,
        person=person,
        succeeded=False,
        method="organisation",
        reason=kind,
        **detail,
    )
    return problem(request, kind)


_callback = _CallbackView.as_view()


@never_cache
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the person back, with a code and the state."""
    if not is_configured():
        raise Http404
    return _callback(request)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the session here and, where the provider offers it, there too
    (OpenID Connect RP-initiated logout), coming back to the sign-in page."""
    id_token = request.session.get("oidc_id_token")
    auth.logout(request)
    login_url = reverse(settings.LOGOUT_REDIRECT_URL)
    if not id_token or not is_configured():
        return redirect(login_url)
    try:
        provider = discover()
    except ProviderUnavailable as error:
        logger.warning("Organisation sign-out: provider unreachable: %s", error)
        messages.info(
            request,
            "You have signed out of this service. Your organisation's sign-in service could not "
            "be reached to sign you out there too: close your browser to finish signing out.",
        )
        return redirect(login_url)
    if not provider.end_session_endpoint:
        return redirect(login_url)
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": request.build_absolute_uri(login_url),
            "client_id": settings.OIDC_RP_CLIENT_ID,
        }
    )
    return HttpResponseRedirect(f"{provider.end_session_endpoint}?{query}")
