"""The phones' and shared screens' unchanged polls, answered before most of
the middleware: an empty "nothing changed" (204) needs no session, CSRF
token, user, messages or history context, and these polls are most of the
service's requests (every phone and screen in every live workshop, every
2 s). Sits after the security headers, the Content Security Policy and
WhiteNoise, so a 204 carries the same headers as before. Anything else,
including a poll whose screen did change, goes on to the views, which
answer it as they always did (and would answer these the same way too)."""

from __future__ import annotations

import re

from django.http import HttpResponse, QueryDict

from workshops.views import room_unchanged, screen_unchanged

ROOM = re.compile(r"^/workshops/live/([^/]+)/$")
# The shared screen and presenter mode poll the same way.
SCREEN = re.compile(r"^/workshops/(\d+)/(?:screen/)?$")


class UnchangedPollMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "GET" and request.headers.get("HX-Request") == "true":
            path = request.path_info
            room, screen = ROOM.match(path), SCREEN.match(path)
            if (room and room_unchanged(request, room.group(1))) or (
                screen and screen_unchanged(request, screen.group(1))
            ):
                return HttpResponse(status=204)
        return self.get_response(request)


class EarlyPolls:
    """WSGI, in front of Django (config/wsgi.py): an unchanged poll whose
    key this process remembers is answered 204 before Django's request
    handling starts at all, which costs more than the rest of such a poll
    (measured on one core: the constant baseline view 1.4 ms a request, a
    bare WSGI answer under the same gunicorn 0.55 ms).

    The answer carries the headers Django's own middleware gave the last
    unchanged poll from the same host and scheme (the security headers and
    the Content Security Policy; never a cookie or a date), so it is the
    same answer, sooner. Until Django has answered one such poll, or when
    the memory has lapsed or does not know the workshop, everything goes to
    Django as before: this never touches the database."""

    FORGET = {"set-cookie", "date", "content-length"}

    def __init__(self, application):
        self.application = application
        self._answers: dict[tuple, list[tuple[str, str]]] = {}

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET" or environ.get("HTTP_HX_REQUEST") != "true":
            return self.application(environ, start_response)
        path = environ.get("PATH_INFO", "")
        room, screen = ROOM.match(path), SCREEN.match(path)
        if not (room or screen):
            return self.application(environ, start_response)
        # What the headers may depend on: the host, the scheme, and the
        # proxy's word on it (SECURE_PROXY_SSL_HEADER); and the page.
        seen = (
            bool(room),
            environ.get("HTTP_HOST"),
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_X_FORWARDED_PROTO"),
        )
        headers = self._answers.get(seen)
        if headers is not None:
            poll = _Poll(QueryDict(environ.get("QUERY_STRING", "")))
            if (room and room_unchanged(poll, room.group(1), remembered_only=True)) or (
                screen and screen_unchanged(poll, screen.group(1), remembered_only=True)
            ):
                start_response("204 No Content", list(headers))
                return []

        def remember(status, response_headers, exc_info=None):
            if status.startswith("204 "):
                self._answers[seen] = [
                    (name, value)
                    for name, value in response_headers
                    if name.lower() not in self.FORGET
                ]
            return start_response(status, response_headers, exc_info)

        return self.application(environ, remember)


class _Poll:
    """As much of a request as the unchanged checks read."""

    def __init__(self, query: QueryDict):
        self.GET = query
