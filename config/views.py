"""Site-wide pages: health check, the about page and the error pages."""

import logging
import random
import sys

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig, TooManyFieldsSent
from django.db import DatabaseError, connection
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.forms import SignInForm
from core.database import database_unavailable

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        # Asked every few seconds by each load balancer: one line, no traceback.
        logger.warning("Health check: database unreachable: %s", str(error).strip()[:200])
        # Drop the broken connection so the next request opens a fresh one.
        connection.close_if_unusable_or_obsolete()
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "about.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


SERVER_ERROR_FALLBACK = (
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
    "<title>Sorry, there is a problem with the service – NHS</title></head>"
    "<body><main><h1>Sorry, there is a problem with the service</h1>"
    "<p>Try again in a few minutes.</p></main></body></html>"
)


def server_error(request: HttpRequest) -> HttpResponse:
    if database_unavailable(sys.exc_info()[1]):
        return database_away(request)
    # No context processors: the database may be what failed.
    try:
        return HttpResponse(loader.get_template("500.html").render({}), status=500)
    except Exception:
        # Whatever broke may break the error page too (a missing static
        # manifest, say): still answer kindly rather than with the server's page.
        logger.exception("The 500 page could not be rendered")
        return HttpResponse(SERVER_ERROR_FALLBACK, status=500)


def database_away(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: nothing is lost, the page or phone tries again."""
    try:
        body = loader.render_to_string("503.html")
    except Exception:
        body = SERVER_ERROR_FALLBACK
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(random.randint(2, 6))
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Rendered without the request: a bad request can fail before the
    # middleware that sets request.user has run (a forged Host header, say).
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
        return HttpResponse(loader.render_to_string("413.html"), status=413)
    return HttpResponse(loader.render_to_string("400.html"), status=400)


def locked_out(request: HttpRequest, response: HttpResponse | None, credentials: dict | None):
    """django-axes' answer after too many failed sign-ins: the sign-in page
    again, with the username kept and a message saying when to try again."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    # Unbound, so the password is never echoed back; the username is kept.
    # The message goes where the page's error summary looks for form errors.
    form = SignInForm(request, initial={"username": (credentials or {}).get("username")})
    form._errors = ErrorDict()
    form._errors[NON_FIELD_ERRORS] = form.error_class(
        [
            f"Too many failed attempts to sign in. Wait {minutes} minutes and try again, "
            "or reset your password."
        ],
        error_class="nonfield",
    )
    context = {"form": form, "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=429)


@require_GET
def bench_baseline(request: HttpRequest) -> HttpResponse:
    """A constant answer through the whole middleware stack and server: the
    yardstick `make bench` prints every other figure against."""
    return HttpResponse(b"ok\n", content_type="text/plain")
