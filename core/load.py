"""Load shedding, in front of Django (config/asgi.py): past
MAX_REQUESTS_IN_FLIGHT ordinary requests in one server process, new ones are
answered 503 with Retry-After at once, on the event loop, before any of
Django's work.

Each process runs its views on a few threads (VIEW_THREADS, config/asgi.py)
and one interpreter, so an overloaded process builds a queue in front of
them and every answer in it waits longer. A clear "come back in a few seconds"
is better than a hang or a reset connection: htmx and the phones' offline
queue try again, and a person sees a calm message. The live room's streams
have their own limits (workshops/budget.py). The load
balancer's health check is always answered: a busy server is not a dead one.
"""

from __future__ import annotations

import random

from django.conf import settings

BUSY_PAGE = (
    b"<!DOCTYPE html><html lang=en-GB><meta charset=utf-8>"
    b"<meta name=viewport content='width=device-width, initial-scale=1'>"
    b"<title>The service is busy - NHS</title>"
    b"<h1>The service is busy</h1>"
    b"<p>Nothing you entered has been lost. Try again in a few seconds.</p>"
)


def exempt(path: str) -> bool:
    return path == "/healthz" or path.endswith("/events/")


class LoadShedding:
    def __init__(self, application):
        self.application = application
        self.in_flight = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or exempt(scope["path"]):
            return await self.application(scope, receive, send)
        if self.in_flight >= settings.MAX_REQUESTS_IN_FLIGHT:
            return await busy(send)
        self.in_flight += 1
        try:
            return await self.application(scope, receive, send)
        finally:
            self.in_flight -= 1


async def busy(send) -> None:
    # Spread the retries out, so the clients do not all come back together.
    headers = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(len(BUSY_PAGE)).encode()),
        (b"retry-after", str(random.randint(2, 6)).encode()),
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": BUSY_PAGE})
