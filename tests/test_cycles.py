"""A request answered leaves nothing for the collector that it could have
freed itself (core/cycles.py): not the request, not its template's
context. Through the service's own handler, as the server calls it."""

import gc
import io
from collections import Counter

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpRequest

from core.cycles import Handler

CONTEXTS = {"RequestContext", "ContextDict", "RenderContext"}


def environ(path: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http",
    }


@pytest.fixture
def handler(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    # As the test client does: the test's connection stays open throughout.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield Handler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def answered(handler, path: str) -> int:
    statuses = []
    response = handler(environ(path), lambda status, headers: statuses.append(status))
    b"".join(response)
    response.close()  # as the server does once the answer is sent
    return int(statuses[0].split()[0])


def left_behind(handler, path: str, times: int = 5) -> Counter:
    """What `times` answers left in cycles, for the collector, by type; a
    request by what it still holds (an emptied one may still be in a
    view's or a form's cycle: only its shell is)."""
    assert answered(handler, path) == 200  # and everything it loads once, loaded
    gc.collect()
    gc.disable()
    try:
        for _ in range(times):
            assert answered(handler, path) == 200
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        return Counter(
            f"a request holding {sorted(vars(thing))[:5]}"
            if issubclass(type(thing), HttpRequest)
            else type(thing).__name__
            for thing in gc.garbage
            if not issubclass(type(thing), HttpRequest) or vars(thing)
        )
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/about/"])
def test_a_page_answered_leaves_its_request_and_context_to_no_collector(handler, path):
    left = left_behind(handler, path)
    assert not {kind: n for kind, n in left.items() if kind in CONTEXTS or "request" in kind}
