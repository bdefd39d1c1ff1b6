"""Where streaming cannot work, the room still works: behind an nginx that
buffers the streams whatever the service asks (`proxy_buffering on` and
`proxy_ignore_headers X-Accel-Buffering`, bench/topology.sh with
BUFFERED_STREAMS=1), the pages hear nothing on their streams, fall back to
polling by themselves within 10 s, and a vote and a reveal still reach every
screen, with no alarming message. The phone's room is pushed whole since
issue 30, and big enough to fill the proxy's buffer and come through late,
so the phone here is one whose stream cannot open at all (a network that
refuses it): it polls from the start."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect

from tests.reliability import live_workshop as w
from tests.reliability.servers import (
    Postgres,
    Topology,
    free_port,
    prepare_database,
    production_env,
)


@pytest.fixture
def buffering_proxy(static_root, tmp_path, monkeypatch):
    if not shutil.which("nginx"):
        pytest.fail("nginx is missing: apt-get install nginx (.ci/run does)")
    pg = Postgres(free_port()).start()
    topology = None
    try:
        env = production_env(pg.url, STATIC_ROOT=str(static_root), BEHIND_PROXY="true")
        prepare_database(env)
        topology = Topology(dict(env, BUFFERED_STREAMS="1"), "two", tmp_path)
        yield topology, env
    finally:
        if topology:
            topology.stop()
        pg.remove()


def test_behind_a_buffering_proxy_the_pages_poll_and_the_room_works(browser, buffering_proxy):
    topology, env = buffering_proxy
    base = topology.url
    page = w.facilitator(browser, w.facilitator_session(env))
    phone = None
    try:
        code, _ = w.create_workshop(page, base)
        phone = w.join(browser, base, code, "Sam")
        # A phone whose stream cannot open (the screen's events may fill the
        # proxy's buffer and come through late).
        phone.route(re.compile(r"/events/"), lambda route: route.abort())
        phone.reload()
        polls: list[str] = []
        phone.on(
            "request",
            lambda r: (
                polls.append(r.url) if re.search(r"/workshops/live/\w+/\?k=", r.url) else None
            ),
        )
        page.get_by_role("button", name="Next: Collaboration").click()
        # The phone's stream says nothing through this proxy: it polls, and
        # finds the new area.
        expect(phone.get_by_role("heading", name="Collaboration")).to_be_visible(timeout=20_000)
        w.vote(phone, "Collaboration", 2)
        # The screen's larger events can fill the proxy's buffer and come
        # through late, which keeps its page from falling back: what it
        # shows once reloaded is the room as it is.
        page.reload()
        expect(page.get_by_test_id("voted-count")).to_have_text("1")
        page.get_by_role("button", name="Reveal the votes on Collaboration").click()
        expect(phone.get_by_text("You chose level 2.")).to_be_visible(timeout=20_000)
        assert polls, "the phone should have fallen back to polling"
        for screen in (page, phone):
            expect(screen.locator(".app-offline")).to_have_count(0)
    finally:
        w.close_all(page, *([phone] if phone else []))
