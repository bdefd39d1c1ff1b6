"""Every sign-in, failed sign-in and sign-out goes into the audit trail,
from Django's own signals: they fire once for each, whichever page or
backend it came through (the sign-in page, the admin's, the provider's
callback, a session the provider ended)."""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.events import record
from audit.models import Kind

ORGANISATION_BACKEND = "identity.backends.OrganisationBackend"


def _method(request) -> str:
    """How the session was signed in: login() has just written its backend
    there, and logout() sends its signal before it clears the session."""
    session = getattr(request, "session", None)
    backend = session.get(BACKEND_SESSION_KEY) if session is not None else None
    return "organisation" if backend == ORGANISATION_BACKEND else "password"


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def signed_in(sender, request, user, **kwargs) -> None:
    record(Kind.SIGN_IN, request, actor=user, person=user, method=_method(request))


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def sign_in_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    # Only password sign-ins end here: the provider's backend raises instead,
    # and its callback view records why (identity/views.py). Django has
    # already masked the password in `credentials`. A username that is
    # someone's is their event's person, never a name in its detail (the
    # person may be erased); only a username that is nobody's is kept.
    username = str(credentials.get("username") or "")[:150]
    person = get_user_model().objects.filter(username=username).first() if username else None
    too_many = getattr(request, "axes_locked_out", False)
    reason = "too many attempts" if too_many else "wrong credentials"
    typed = {} if person is not None else {"username": username}
    record(
        Kind.SIGN_IN_FAILED,
        request,
        person=person,
        succeeded=False,
        method="password",
        reason=reason,
        **typed,
    )


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def signed_out(sender, request, user, **kwargs) -> None:
    if user is None:
        return  # someone not signed in asked to sign out: nothing ended
    record(Kind.SIGN_OUT, request, actor=user, person=user, method=_method(request))
