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

from django.http import HttpResponse

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
