"""Open streams hold no database connection. Under ASGI a stream's request
lives as long as its screen stays open; a connection it kept would be lost
to the server's pool for all that time, and a few rooms would leave the
pages nothing to answer with. One gunicorn with a pool of two connections
serves three rooms' streams, then a page."""

from __future__ import annotations

import http.client
import re
from pathlib import Path

import pytest

from tests.reliability import live_workshop as w
from tests.reliability.servers import database_and_server, get, manage
from tests.reliability.test_two_servers import MAKE_WORKSHOP, EventStream, Person


@pytest.fixture
def small_pool(static_root):
    with database_and_server(static_root, DATABASE_POOL_SIZE="2") as (_, env, server, key):
        yield env, server, f"sessionid={key}"


def test_streams_in_three_rooms_leave_the_pool_to_the_pages(small_pool):
    env, server, cookie = small_pool
    w.facilitator_session(env)  # the team and its facilitator the rooms need
    streams = []
    try:
        for _ in range(3):
            code = manage(env, "shell", "-c", MAKE_WORKSHOP).split()[-1]
            phone = Person()
            _, page = phone.get(f"{server.url}/workshops/join/{code}/")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            phone.post(f"{server.url}/workshops/join/", {"code": code}, token)
            stream = EventStream(phone, f"{server.url}/workshops/live/{code}/events/")
            streams.append(stream)
            assert stream.next("room")["data"]  # drawn for this room, then given back
        page = get(server.url + "/model/", cookie)
        assert page.status == 200 and "Collaboration" in page.body
    finally:
        for stream in streams:
            stream.close()


def threads_of(server) -> int:
    """The threads of the server's one worker (gunicorn's child)."""
    master = server.process.pid
    (worker,) = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    status = Path(f"/proc/{worker}/status").read_text()
    return int(re.search(r"^Threads:\s+(\d+)", status, re.M).group(1))


def open_screens(server, cookie: str, pk: str, count: int) -> list[http.client.HTTPResponse]:
    """`count` facilitator's screens' streams, each read to its first state."""
    held = []
    for _ in range(count):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
        conn.request("GET", f"/workshops/{pk}/events/?s=1", headers={"Cookie": cookie})
        response = conn.getresponse()
        assert response.status == 200, response.status
        while not response.readline().startswith(b"event: live"):
            pass
        held.append(response)
    return held


def test_an_open_stream_holds_no_thread(small_pool):
    """A stream is a coroutine and a socket: the worker's threads do not
    grow with the streams it holds (Django's own ASGI handler kept a thread
    for each for as long as it stayed open)."""
    env, server, _ = small_pool
    cookie = f"sessionid={w.facilitator_session(env)}"
    pk = manage(env, "shell", "-c", MAKE_WORKSHOP).split()[-2]
    for response in open_screens(server, cookie, pk, 10):  # the pools' threads start
        response.close()
    before = threads_of(server)
    held = open_screens(server, cookie, pk, 150)
    try:
        assert threads_of(server) - before < 5
        page = get(server.url + "/model/", cookie)
        assert page.status == 200
    finally:
        for response in held:
            response.close()
