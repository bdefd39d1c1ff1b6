"""The privacy notice and cookies page (anyone), a person's own account and
the download of what the service holds about them, and an admin erasing a
person."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from audit.events import record
from audit.models import AuditEvent, Kind
from privacy import erasure, retention
from privacy.download import held_about
from teams.roles import is_admin


@require_GET
def notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/notice.html",
        {
            "kept": {
                limit.key: retention.in_words(retention.days(limit.key))
                for limit in retention.LIMITS
            },
            "auto_close": retention.in_words(settings.AUTO_CLOSE_DAYS),
            "contact": settings.PRIVACY_CONTACT,
            "contact_is_email": "@" in settings.PRIVACY_CONTACT
            and not settings.PRIVACY_CONTACT.startswith("http"),
        },
    )


@require_GET
def cookies(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/cookies.html",
        {
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "csrf_cookie": settings.CSRF_COOKIE_NAME,
            "session_hours": settings.SESSION_COOKIE_AGE // 3600,
        },
    )


@require_GET
@login_required
def account(request: HttpRequest) -> HttpResponse:
    person = request.user
    return render(
        request,
        "privacy/account.html",
        {
            "person": person,
            "teams": person.memberships.select_related("team").order_by("team__name"),
            "organisation": person.organisation_accounts.exists(),
        },
    )


@require_GET
@never_cache
@login_required
def download(request: HttpRequest) -> HttpResponse:
    """Only ever the signed-in person's own data: there is no way to name
    anyone else."""
    person = request.user
    data = {"downloaded_at": timezone.now().isoformat(), **held_about(person)}
    record(Kind.DATA_DOWNLOADED, request, person=person)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    filename = f"what-we-hold-about-{person.username}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_admin(request.user):
        raise PermissionDenied
    person = get_object_or_404(get_user_model(), pk=pk)
    change_url = reverse("admin:auth_user_change", args=[person.pk])
    problem = None
    if request.method == "POST":
        try:
            erasure.erase(person.pk, by=request.user)
        except erasure.CannotErase as refused:
            problem = str(refused)
            record(Kind.ERASURE_FAILED, request, person=person, succeeded=False, reason=problem)
            person.refresh_from_db()  # another admin may have erased them meanwhile
        else:
            record(Kind.ERASED, request, person=person)
            messages.success(
                request,
                "Erased. Their name, email and sign-in links are gone; what they recorded "
                "stays with their teams, attributed to a former member.",
            )
            return redirect(change_url)
    return render(
        request,
        "privacy/erase.html",
        {
            "person": person,
            "erased": erasure.is_erased(person),
            "erasure": AuditEvent.objects.filter(person=person, kind=Kind.ERASED)
            .select_related("actor")
            .first(),
            "problem": problem,
            "busy": list(erasure.open_workshops(person)[:3]),
            "teams": person.memberships.select_related("team").order_by("team__name"),
            "change_url": change_url,
        },
    )
