"""Open streams hold no database connection. Under ASGI a stream's request
lives as long as its screen stays open; a connection it kept would be lost
to the server's pool for all that time, and a few rooms would leave the
pages nothing to answer with. One gunicorn with a pool of two connections
serves three rooms' streams, then a page."""

from __future__ import annotations

import re

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
