"""Two app servers behind nginx over one PostgreSQL behave as one service:
requests alternate between them and a session made on one works on the
other (no state lives in a process); a whole live workshop split across
them, in real Chromium, shows the same thing on both; a change made
through one server reaches the streams held by the other (each listens to
PostgreSQL: workshops/push.py); and a stream whose server stops is given
the current state by the other as soon as it reconnects."""

from __future__ import annotations

import http.cookiejar
import re
import shutil
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.reliability import live_workshop as w
from tests.reliability.servers import (
    Postgres,
    Topology,
    free_port,
    get,
    manage,
    prepare_database,
    production_env,
)


@pytest.fixture
def two_servers(static_root, tmp_path):
    if not shutil.which("nginx"):
        pytest.fail("nginx is missing: apt-get install nginx (.ci/run does)")
    pg = Postgres(free_port()).start()
    topology = None
    try:
        env = production_env(pg.url, STATIC_ROOT=str(static_root), BEHIND_PROXY="true")
        session_key = prepare_database(env)
        topology = Topology(env, "two", tmp_path)
        yield topology, f"sessionid={session_key}", env
    finally:
        if topology:
            topology.stop()
        pg.remove()


def test_requests_alternate_and_sessions_work_on_both_servers(two_servers):
    topology, cookie, _ = two_servers
    served_by = {get(topology.url + "/bench/baseline").headers["X-Upstream"] for _ in range(6)}
    assert served_by == {url.removeprefix("http://") for url in topology.upstreams}

    for upstream in topology.upstreams:
        page = get(upstream + "/model/", cookie)
        assert page.status == 200, upstream
        assert "Collaboration" in page.body
    assert get(topology.url + "/healthz").status == 200


def test_a_workshop_split_across_the_two_servers_shows_the_same_on_both(browser, two_servers):
    """Phones on server A (and one through nginx), the facilitator's shared
    screen on server B, and a second view of it on A: every vote, the
    reveal, the agreed score and the notes show up on both servers."""
    topology, _, env = two_servers
    a, b = topology.upstreams
    front = topology.url
    key = w.facilitator_session(env)
    screen = w.facilitator(browser, key)
    other_screen = w.facilitator(browser, key)
    phones = []
    reader = None
    try:
        code, path = w.create_workshop(screen, b)
        other_screen.goto(a + path)
        phones = [
            w.join(browser, a, code, "Sam"),
            w.join(browser, a, code, "Kit"),
            w.join(browser, front, code, "Ali"),
        ]
        for view in (screen, other_screen):
            expect(view.get_by_test_id("joined-count")).to_have_text("3")

        screen.get_by_role("button", name="Next: Collaboration").click()
        # B's step change reaches A's screen (it reloads to the new step).
        expect(other_screen.get_by_text("Area 1 of 5")).to_be_visible()
        for phone, level in zip(phones, (2, 4, 3), strict=True):
            w.vote(phone, "Collaboration", level)
        for view in (screen, other_screen):
            expect(view.get_by_test_id("voted-count")).to_have_text("3")

        screen.get_by_role("button", name="Reveal the votes on Collaboration").click()
        for view in (screen, other_screen):
            stats = view.locator(".app-spread__stats")
            expect(stats).to_contain_text("Lowest 2")
            expect(stats).to_contain_text("median 3")
            expect(stats).to_contain_text("highest 4")
        for phone in phones:
            expect(phone.get_by_text("The votes are revealed")).to_be_visible()

        w.record(screen, 4, "pairing every day", "too many meetings")
        other_screen.reload()
        expect(other_screen.locator("#record input[name=score][value='4']")).to_be_checked()
        expect(other_screen.get_by_label("What helps us")).to_have_value("pairing every day")
        expect(other_screen.get_by_label("What holds us back")).to_have_value("too many meetings")

        screen.get_by_role("button", name="Next: Focus").click()
        for phone in phones:
            expect(phone.get_by_role("heading", name="Focus")).to_be_visible()

        # A's screen follows to the new step; the summary is read in a page
        # of its own, so the screen's own reload cannot interrupt it.
        expect(other_screen.get_by_text("Area 2 of 5")).to_be_visible()
        reader = w.facilitator(browser, key)
        for base in (a, b, front):
            reader.goto(base + path + "summary/")
            summary = reader.locator("main")
            expect(summary).to_contain_text("pairing every day")
            expect(summary).to_contain_text("too many meetings")
            expect(summary).to_contain_text("Votes: 3 (1 at 2, 1 at 3, 1 at 4")
            expect(reader.locator(".app-score-card").first).to_contain_text("4")
    finally:
        w.close_all(screen, other_screen, *phones, *([reader] if reader else []))


CSRF_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')
ROOM_KEY = re.compile(r'data-key="([^"]*)"')
MAKE_WORKSHOP = """
from django.contrib.auth import get_user_model
from maturity.models import MaturityModel
from teams.models import Team
from workshops.models import Workshop
model = MaturityModel.default()
w = Workshop.objects.create(
    team=Team.objects.get(slug="repeat-prescriptions"),
    facilitator=get_user_model().objects.get(username="fran"),
    model=model, rubric=model.snapshot(), step=1,
)
print(w.pk, w.join_code)
"""


class Person:
    """A browser without a browser: a cookie jar and plain HTTP."""

    def __init__(self, session_key: str = ""):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        if session_key:
            self.jar.set_cookie(
                http.cookiejar.Cookie(
                    0, "sessionid", session_key, None, False, "127.0.0.1", False, False,
                    "/", True, False, None, False, None, None, {},
                )
            )  # fmt: skip

    def get(self, url: str, headers: dict | None = None) -> tuple[int, str]:
        request = urllib.request.Request(url, headers=headers or {})
        with self.opener.open(request, timeout=10) as response:
            return response.status, response.read().decode()

    def post(self, url: str, data: dict, token: str) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(url, body, headers={"X-CSRFToken": token})
        with self.opener.open(request, timeout=10) as response:
            return response.status, response.read().decode()


class EventStream:
    """A server-sent events stream read with plain HTTP, as EventSource would."""

    def __init__(self, person: Person, url: str):
        self.response = person.opener.open(urllib.request.Request(url), timeout=20)
        assert self.response.headers["Content-Type"] == "text/event-stream"

    @property
    def upstream(self) -> str:
        return self.response.headers.get("X-Upstream", "")

    def next(self, name: str) -> dict:
        event: dict = {}
        for raw in self.response:
            line = raw.decode().rstrip("\n")
            if not line:
                if event.get("event") == name:
                    return event
                event = {}
                continue
            field, _, value = line.partition(": ")
            event[field] = value
        raise EOFError("the stream ended")

    def close(self) -> None:
        self.response.close()


def _phone_in_room(env, base: str) -> tuple[Person, Person, str, str, str]:
    fran = Person(w.facilitator_session(env))
    pk, code = manage(env, "shell", "-c", MAKE_WORKSHOP).split()[-2:]
    phone = Person()
    _, page = phone.get(f"{base}/workshops/join/{code}/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    _, room = phone.post(f"{base}/workshops/join/", {"code": code}, token)
    assert "Area 1 of 5" in room
    return fran, phone, pk, code, ROOM_KEY.search(room).group(1)


def test_a_change_through_one_server_reaches_a_stream_on_the_other(two_servers):
    """A phone streams from server A; the facilitator moves the workshop on
    through server B. A hears it from PostgreSQL and tells the phone, whose
    room then shows the new area."""
    topology, _, env = two_servers
    a, b = topology.upstreams
    fran, phone, pk, code, key = _phone_in_room(env, a)
    stream = EventStream(phone, f"{a}/workshops/live/{code}/events/")
    try:
        assert stream.next("room")["id"] == key
        _, screen = fran.get(f"{b}/workshops/{pk}/")
        fran.post(f"{b}/workshops/{pk}/step/", {"step": 2}, CSRF_TOKEN.search(screen).group(1))
        changed = stream.next("room")["id"]
        assert changed != key
        query = urllib.parse.urlencode({"k": key})
        status, body = phone.get(f"{a}/workshops/live/{code}/?{query}", {"HX-Request": "true"})
        assert status == 200 and "Area 2 of 5" in body and f'data-key="{changed}"' in body
    finally:
        stream.close()


def test_a_stream_whose_server_stops_reconnects_to_the_other_up_to_date(two_servers):
    """Through nginx (the example in docs/operators.md), a stream lands on one server.
    That server stops; the change made meanwhile reaches the phone as soon
    as it reconnects, which nginx sends to the server still running."""
    topology, _, env = two_servers
    fran, phone, pk, code, key = _phone_in_room(env, topology.url)
    stream = EventStream(phone, f"{topology.url}/workshops/live/{code}/events/")
    held_by = stream.upstream
    assert stream.next("room")["id"] == key
    topology.stop_upstream(held_by)
    with pytest.raises((EOFError, OSError)):
        stream.next("room")  # the stopping server closes it
    stream.close()
    survivor = next(u for u in topology.upstreams if not u.endswith(held_by))
    _, screen = fran.get(f"{survivor}/workshops/{pk}/")
    fran.post(f"{survivor}/workshops/{pk}/step/", {"step": 2}, CSRF_TOKEN.search(screen).group(1))
    again = EventStream(phone, f"{topology.url}/workshops/live/{code}/events/")
    try:
        assert again.upstream != held_by
        assert again.next("room")["id"] not in ("", key)  # the current state, at once
    finally:
        again.close()
