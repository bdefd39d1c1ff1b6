"""Strict headers on real responses of every kind of page the service serves."""

from __future__ import annotations

from django.urls import reverse


class StaticAnswer:
    """What the service's ASGI application answers for a static file: static
    files are answered in front of Django (core/static.py), so the test
    client never sees them."""

    def __init__(self, path: str):
        from asgiref.sync import async_to_sync

        from core.static import StaticFiles

        async def no_django(scope, receive, send):
            raise AssertionError(f"{path} reached Django")

        sent = []

        async def send(message):
            sent.append(message)

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        scope = {
            "type": "http",
            "method": "GET",
            "path": path,
            "query_string": b"",
            "headers": [],
            "scheme": "https",
        }
        async_to_sync(StaticFiles(no_django))(scope, receive, send)
        self.status_code = sent[0]["status"]
        self.headers = {k.decode().title(): v.decode() for k, v in sent[0]["headers"]}


def page_kinds(world, personas):
    """(kind, response) for each kind of page, fetched over HTTPS."""
    member, admin, anon = personas["member_a"], personas["admin"], personas["anon"]
    area = world.area
    return [
        ("HTML page", member.get(reverse("maturity:model"), secure=True)),
        ("form page", anon.get(reverse("login"), secure=True)),
        ("form with errors", anon.post(reverse("login"), {"username": "x"}, secure=True)),
        ("404 page", member.get("/no-such-page/", secure=True)),
        ("403 page", member.get(reverse("admin:index"), secure=True)),
        ("admin", admin.get(reverse("admin:maturity_area_change", args=[area.pk]), secure=True)),
        ("JSON", anon.get(reverse("healthz"), secure=True)),
        ("constant", anon.get(reverse("bench_baseline"), secure=True)),
    ]


def assert_strict_headers(kind, response):
    assert response.status_code < 500, kind
    h = response.headers
    assert h["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload", kind
    assert h["X-Content-Type-Options"] == "nosniff", kind
    assert h["Referrer-Policy"] == "same-origin", kind
    csp = h["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["frame-ancestors"] == "'none'", kind
    assert directives["script-src"] == "'self'", kind
    assert directives["style-src"] == "'self'", kind
    assert directives["default-src"] == "'self'", kind
    assert directives["object-src"] == "'none'", kind
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, kind


def test_every_kind_of_page_has_strict_headers(world, personas, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    for kind, response in page_kinds(world, personas):
        assert_strict_headers(kind, response)
        if response["Content-Type"].startswith("text/html"):
            assert response.headers["X-Frame-Options"] == "DENY", kind


def test_static_files_have_strict_headers(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    # Served from the source folders, as after collectstatic.
    settings.SERVESTATIC_USE_FINDERS = True
    settings.SERVESTATIC_AUTOREFRESH = True
    response = StaticAnswer("/static/css/app.css")
    assert response.status_code == 200
    assert_strict_headers("static file", response)


def test_no_page_has_inline_script_or_style(world, personas):
    for kind, response in page_kinds(world, personas):
        html = response.content.decode()
        if not response["Content-Type"].startswith("text/html"):
            continue
        assert "<script>" not in html and '<script type="text/javascript">' not in html, kind
        assert " style=" not in html, kind


def test_cookies_are_secure_httponly_and_samesite(client, member_a, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client.get(reverse("login"), secure=True)
    csrf = client.cookies["csrftoken"]
    response = client.post(
        reverse("login"),
        {"username": "alex", "password": "a-long-test-password"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    for cookie in (session, csrf):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
    # Ends with the browser: no Max-Age or Expires on the session cookie.
    assert not session["max-age"] and not session["expires"]


def test_the_policy_built_once_is_django_csps_and_follows_the_setting(db, client, settings):
    """core.security.CSPMiddleware builds the header once per process: it
    must be exactly what django-csp builds, for polls too, and a changed
    setting must change it."""
    from csp.middleware import CSPMiddleware as Stock
    from csp.utils import build_policy
    from django.http import HttpResponse

    stock = Stock(lambda request: None)
    expected = build_policy()
    for path in (reverse("bench_baseline"), reverse("healthz"), reverse("login")):
        response = client.get(path)
        assert response["Content-Security-Policy"] == expected, path
        built = stock.process_response(response.wsgi_request, HttpResponse())
        assert built["Content-Security-Policy"] == expected, path
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert client.get(reverse("bench_baseline"))["Content-Security-Policy"] == "default-src 'none'"


def test_a_view_that_varies_the_policy_still_gets_its_own(rf):
    from csp.decorators import csp_update
    from django.http import HttpResponse

    from core.security import CSPMiddleware

    @csp_update({"img-src": ["https://example.nhs.uk"]})
    def view(request):
        return HttpResponse()

    request = rf.get("/")
    middleware = CSPMiddleware(view)
    response = middleware(request)
    assert "img-src 'self' data: https://example.nhs.uk" in response["Content-Security-Policy"]
    plain = middleware.process_response(rf.get("/"), HttpResponse())
    assert "example.nhs.uk" not in plain["Content-Security-Policy"]
