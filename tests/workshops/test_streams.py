"""The live room's streams (workshops/streams.py, workshops/push.py), read
through Django's async test client: what each screen is sent, when, and who
may open one. Changes are made the way the service makes them (through the
views), in real transactions, so they travel as they do in production: by
NOTIFY and this process's listener on PostgreSQL, by the commit hook on
SQLite."""

from __future__ import annotations

import asyncio
import copy
import random
import re
import time
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import connection, transaction
from django.db.models import F
from django.test import AsyncClient, Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.workshops.conftest import area_id, join
from workshops import streams
from workshops.models import Workshop
from workshops.push import hub

HTMX = {"HTTP_HX_REQUEST": "true"}
WAIT_S = 10  # an upper bound for a hung test, never a measure of speed


@pytest.fixture(autouse=True)
def fresh_hub(monkeypatch, settings):
    """Each test's event loop starts with an empty hub, and a budget that has
    not read the machine's memory yet. A late event loop refuses no stream
    unless the test says so: a collection of the whole test process's
    garbage on a busy CI machine once held a test's loop past
    LIVE_MAX_LAG_MS, and a stream that test expected was refused."""
    from workshops.budget import budget

    settings.LIVE_MAX_LAG_MS = 60_000
    monkeypatch.setattr(budget, "_memory_read_at", float("-inf"))
    monkeypatch.setattr(budget, "_memory_short", False)
    monkeypatch.setattr(budget, "opening", 0)
    hub.rooms.clear()
    hub.open_streams = 0
    hub.listener = None
    yield
    hub.rooms.clear()
    hub.open_streams = 0
    hub.listener = None


class Stream:
    """One open stream: its response and the events read so far."""

    def __init__(self, response):
        self.response = response
        self.chunks = response.streaming_content.__aiter__()
        self.buffer = b""

    async def next(self, *, skip=("ping", "now", "cards", "timer")) -> dict:
        while True:
            while b"\n\n" not in self.buffer:
                self.buffer += await asyncio.wait_for(self.chunks.__anext__(), WAIT_S)
            block, self.buffer = self.buffer.split(b"\n\n", 1)
            event = parse(block.decode())
            if "event" in event and event["event"] not in skip:
                return event

    async def ended(self) -> bool:
        """True if the server ends the stream after what was read."""
        try:
            while True:
                self.buffer += await asyncio.wait_for(self.chunks.__anext__(), WAIT_S)
                if self.buffer.strip() and b"event: ping" not in self.buffer:
                    return False
        except StopAsyncIteration:
            return True

    async def close(self) -> None:
        """As a browser going away: the server's generator is closed (the
        ASGI server cancels it; the test client has no connection to drop)."""
        await self.chunks.aclose()
        await self.response._iterator.aclose()


def run(scenario) -> None:
    """Run an async scenario on an event loop of its own; this process's
    LISTEN connection (PostgreSQL) closes with it."""

    async def and_stop():
        try:
            await scenario()
        finally:
            await hub.stop()

    async_to_sync(and_stop)()


def parse(block: str) -> dict:
    event: dict = {}
    for line in block.splitlines():
        name, _, value = line.partition(": ")
        if name == "data":
            event["data"] = event["data"] + "\n" + value if "data" in event else value
        elif name and not name.startswith(":"):
            event[name] = value
    return event


def async_client(client: Client) -> AsyncClient:
    """An async client with a copy of `client`'s cookies (what it is
    answered does not change `client`'s)."""
    other = AsyncClient()
    other.cookies = copy.copy(client.cookies)
    return other


async def open_stream(client: Client, url: str) -> Stream:
    response = await async_client(client).get(url)
    assert response.status_code == 200, response
    assert response["Content-Type"] == "text/event-stream"
    return Stream(response)


async def listening() -> None:
    """On PostgreSQL, wait until this process's LISTEN has taken hold."""
    if connection.vendor == "postgresql":
        await asyncio.wait_for(hub.listening.wait(), WAIT_S)


def phone_url(workshop) -> str:
    return reverse("workshops:phone_events", args=[workshop.join_code])


def screen_url(workshop, step: int | None = None) -> str:
    url = reverse("workshops:screen_events", args=[workshop.pk])
    return url if step is None else f"{url}?s={step}"


def voting(workshop, phones: int) -> tuple[int, list[Client]]:
    """The first area on screen, and that many phones joined."""
    clients = [Client() for _ in range(phones)]
    for client in clients:
        join(client, workshop)
    workshop.go_to(1)
    return area_id(workshop, 1), clients


@pytest.fixture
def phone(workshop):
    client = Client()
    join(client, workshop, "Ann")
    return client


def test_a_phone_stream_opens_with_the_room_its_page_shows_without_its_own(db, workshop, phone):
    """A phone's stream is sent the room as every phone sees it, keyed by
    the room's key, with this phone's own CSRF token in its forms; nothing
    of this phone's own (its name, its vote): the phone marks those itself."""
    workshop.go_to(1)
    page = phone.get(reverse("workshops:live", args=[workshop.join_code])).content.decode()
    key = page.split('data-key="')[1].split('"')[0]
    assert f'data-sse-connect="{phone_url(workshop)}"' in page

    async def scenario():
        stream = await open_stream(phone, phone_url(workshop))
        try:
            assert stream.response["Cache-Control"] == "no-cache"
            assert stream.response["X-Accel-Buffering"] == "no"
            event = await stream.next()
            assert (event["event"], event["id"]) == ("room", key)
            room = event["data"]
            assert room.startswith('<div id="room"') and f'data-key="{key}"' in room
            assert "Where is the team today?" in room
            assert streams.CSRF_PLACEHOLDER not in room
            assert 'name="csrfmiddlewaretoken" value="' in room
            assert "Ann" not in room and 'id="mine"' not in room
            assert 'aria-pressed="true"' not in room
        finally:
            await stream.close()

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_a_vote_reaches_the_screen_and_a_reveal_every_phone(
    rubric, workshop, facilitator_client, monkeypatch
):
    area, phones = voting(workshop, 3)
    drawn: list[list[str]] = []
    draw = hub.drawer
    monkeypatch.setattr(hub, "drawer", lambda pk, kinds: drawn.append(kinds) or draw(pk, kinds))

    async def scenario():
        screen = await open_stream(facilitator_client, screen_url(workshop, 1))
        streams_ = [await open_stream(c, phone_url(workshop)) for c in phones]
        try:
            first = await screen.next()
            assert first["event"] == "live" and 'data-testid="voted-count">0<' in first["data"]
            keys = {(await s.next())["id"] for s in streams_}
            await listening()
            drawn.clear()

            vote = reverse("workshops:vote", args=[workshop.join_code])
            await sync_to_async(phones[0].post)(vote, {"area": area, "level": 3}, **HTMX)
            counted = await screen.next()
            while 'data-testid="voted-count">1<' not in counted["data"]:
                counted = await screen.next()
            # The facilitator's buttons carry this screen's own CSRF token.
            assert streams.CSRF_PLACEHOLDER not in counted["data"]
            assert 'name="csrfmiddlewaretoken" value="' in counted["data"]

            reveal = reverse("workshops:reveal", args=[workshop.pk])
            await sync_to_async(facilitator_client.post)(reveal, {"area": area}, **HTMX)
            # The vote did not change what phones show: the next thing each
            # phone hears is the reveal.
            revealed = [await s.next() for s in streams_]
            assert {e["event"] for e in revealed} == {"room"}
            # The same room for every phone, each with its own CSRF token.
            same = {re.sub(r'value="[^"]{64}"', "", e["data"]) for e in revealed}
            assert len(same) == 1 and len({e["data"] for e in revealed}) == 3
            assert revealed[0]["id"] not in keys
            assert "The votes are revealed on the shared screen." in revealed[0]["data"]
            spread = await screen.next()
            while "app-spread" not in spread["data"]:
                spread = await screen.next()
        finally:
            for s in [screen, *streams_]:
                await s.close()

    run(scenario)
    # Drawn once per change (the vote, the reveal) for all three phones and
    # once for the screen, never once per phone.
    assert 1 <= sum("phone" in kinds for kinds in drawn) <= 2
    assert all(kinds.count("phone") <= 1 for kinds in drawn)


def presenter_url(workshop, step: int) -> str:
    return f"{reverse('workshops:presenter_events', args=[workshop.pk])}?s={step}"


def clock_of(html: str) -> dict[str, str]:
    """The room clock's attributes, as a screen is sent them."""
    tag = html.split(">", 1)[0]
    assert tag.startswith('<div id="timer"'), html[:200]
    return dict(re.findall(r'(data-[\w-]+)="([^"]*)"', tag))


@pytest.mark.django_db(transaction=True)
def test_each_press_of_the_timer_reaches_every_screen_with_the_rooms_deadline(
    rubric, workshop, phone, facilitator_client
):
    """Start, pause and reset reach presenter mode and the facilitator's
    screen as the clock with its deadline (drawn once, so without the
    server's "now"), and the phones as a new key; the phone then asks for
    its room and is drawn the same deadline."""
    workshop.go_to(1)
    timer = reverse("workshops:timer", args=[workshop.pk])
    live = reverse("workshops:live", args=[workshop.join_code])

    async def scenario():
        presenter = await open_stream(facilitator_client, presenter_url(workshop, 1))
        screen = await open_stream(facilitator_client, screen_url(workshop, 1))
        phone_stream = await open_stream(phone, phone_url(workshop))
        clock_only = ("ping", "now", "cards", "live")
        try:
            # Each stream opens with the server's clock: a device whose own
            # clock is wrong counts down to the deadline all the same.
            now = await phone_stream.next(skip=())
            assert now["event"] == "now"
            assert abs(int(now["data"]) - time.time() * 1000) < 5000
            assert (
                clock_of((await presenter.next(skip=clock_only))["data"])["data-running"] == "false"
            )
            await screen.next(skip=clock_only)
            keys = [(await phone_stream.next())["id"]]
            await listening()
            for press in (
                {"action": "start"},
                {"action": "pause"},
                {"action": "reset", "minutes": 5},
            ):
                # Half a minute has gone by (quietly: nobody is told).
                await sync_to_async(
                    Workshop.objects.filter(pk=workshop.pk, timer_started_at__isnull=False).update
                )(timer_started_at=F("timer_started_at") - timedelta(seconds=30))
                await sync_to_async(facilitator_client.post)(timer, press, **HTMX)
                now = await sync_to_async(Workshop.objects.get)(pk=workshop.pk)
                deadline = now.timer_deadline
                expected = {
                    "data-timer-state": now.timer_token,
                    "data-running": "true" if deadline else "false",
                    "data-remaining": str(now.timer_remaining),
                    "data-deadline": str(round(deadline.timestamp() * 1000)) if deadline else "",
                }
                pushed = clock_of((await presenter.next(skip=clock_only))["data"])
                assert {k: pushed[k] for k in expected} == expected, press
                assert "data-now" not in pushed
                run_screen = (await screen.next(skip=clock_only))["data"]
                assert clock_of(run_screen)["data-timer-state"] == now.timer_token
                assert streams.CSRF_PLACEHOLDER not in run_screen
                assert "Start timer" in run_screen or "Pause timer" in run_screen

                room = await phone_stream.next()
                key = room["id"]
                assert key not in keys and key.endswith(now.timer_token), press
                pushed_clock = clock_of(room["data"][room["data"].index('<div id="timer"') :])
                assert {k: pushed_clock[k] for k in expected} == expected, press
                drawn = await sync_to_async(phone.get)(live, {"k": keys[-1]}, **HTMX)
                page = drawn.content.decode()
                mine = clock_of(page[page.index('<div id="timer"') :])
                assert {k: mine[k] for k in expected} == expected, press
                assert "data-now" in mine and f'data-key="{key}"' in page
                keys.append(key)
        finally:
            for stream in (presenter, screen, phone_stream):
                await stream.close()

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_a_step_change_tells_the_screen_to_reload_and_ends_its_stream(
    rubric, workshop, facilitator_client
):
    workshop.go_to(1)

    async def scenario():
        screen = await open_stream(facilitator_client, screen_url(workshop, 1))
        try:
            await screen.next()
            await listening()
            step = reverse("workshops:go_to", args=[workshop.pk])
            await sync_to_async(facilitator_client.post)(step, {"step": 2})
            event = await screen.next()
            assert (event["event"], event["data"]) == ("reload", "2")
            assert await screen.ended()
        finally:
            await screen.close()

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_closing_the_workshop_ends_the_phones_stream(rubric, workshop, phone, facilitator_client):
    workshop.go_to(1)

    async def scenario():
        stream = await open_stream(phone, phone_url(workshop))
        try:
            await stream.next()
            await listening()
            close = reverse("workshops:status", args=[workshop.pk])
            await sync_to_async(facilitator_client.post)(close, {"status": "closed"})
            event = await stream.next()
            assert event["event"] == "room" and ".closed." in event["id"]
            assert "This workshop has finished" in event["data"]
            assert (await stream.next())["event"] == "close"
            assert await stream.ended()
        finally:
            await stream.close()

    run(scenario)
    # Nothing is left to stream: 204 tells the browser not to reconnect.
    assert async_to_sync(async_client(phone).get)(phone_url(workshop)).status_code == 204


def test_a_stream_is_refused_with_its_pages_answer(db, workshop, phone, client, member_b_client):
    live = async_to_sync(AsyncClient().get)
    # A made-up code, or no place in the room: to the join page, as the page does.
    made_up = live(reverse("workshops:phone_events", args=["QQQQQQ"]))
    assert (made_up.status_code, made_up["Location"]) == (302, "/workshops/join/QQQQQQ/")
    assert live(phone_url(workshop)).status_code == 302
    # Signed out: to sign in. Another team's workshop: not found.
    assert live(screen_url(workshop))["Location"].startswith(reverse("login"))
    other_team = async_to_sync(async_client(member_b_client).get)
    assert other_team(screen_url(workshop)).status_code == 404
    presenter = reverse("workshops:presenter_events", args=[workshop.pk])
    assert other_team(presenter).status_code == 404


def test_past_the_limit_new_streams_are_told_when_to_come_back(db, workshop, phone, settings):
    settings.LIVE_MAX_STREAMS = 1

    async def scenario():
        first = await open_stream(phone, phone_url(workshop))
        try:
            await first.next()
            refused = await async_client(phone).get(phone_url(workshop))
            assert refused.status_code == 503
            assert int(refused["Retry-After"]) >= 1
        finally:
            await first.close()
        # Once it has closed, the next one opens.
        again = await open_stream(phone, phone_url(workshop))
        await again.close()

    run(scenario)
    assert hub.open_streams == 0


def test_an_idle_stream_is_sent_a_heartbeat(db, workshop, phone, settings):
    settings.LIVE_HEARTBEAT_SECONDS = 1

    async def scenario():
        stream = await open_stream(phone, phone_url(workshop))
        try:
            key = (await stream.next())["id"]
            # It names what the phone was last sent, for the page to check.
            heard = time.monotonic()
            for _ in range(3):
                assert await stream.next(skip=()) == {"event": "ping", "id": key, "data": "1"}
                # Never quiet for longer than the heartbeat (the room's
                # timer beats every nine tenths of one).
                assert time.monotonic() - heard <= 1.15
                heard = time.monotonic()
        finally:
            await stream.close()

    run(scenario)


def test_a_stream_woken_by_changes_it_does_not_show_still_hears_its_heartbeat(
    db, workshop, phone, settings
):
    """In a busy room every vote wakes the phones' streams, though a phone's
    key does not change: the ping still comes on time, or the page would
    think its stream dead and fall back to polling."""
    settings.LIVE_HEARTBEAT_SECONDS = 1

    async def scenario():
        stream = await open_stream(phone, phone_url(workshop))
        key = (await stream.next())["id"]  # the room's key, as it opens
        room = hub.rooms[workshop.pk]

        async def busy_room():
            while True:
                room.wake({}, room.changes)  # a change for other screens: nothing new for the phone
                await asyncio.sleep(0.1)

        waking = asyncio.create_task(busy_room())
        try:
            assert await stream.next(skip=()) == {"event": "ping", "id": key, "data": "1"}
        finally:
            waking.cancel()
            await stream.close()

    run(scenario)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_change_notifies_only_when_it_commits(rubric, workshop):
    if connection.vendor != "postgresql":
        pytest.skip("NOTIFY is PostgreSQL's")
    import psycopg

    from workshops.push import CHANNEL, listen_conninfo

    with psycopg.connect(listen_conninfo(), autocommit=True) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                workshop.bump_version()
                raise RuntimeError("the change fails after the bump")
        assert list(listener.notifies(timeout=0.5)) == []
        with transaction.atomic():
            workshop.bump_version()
        heard = list(listener.notifies(timeout=WAIT_S, stop_after=1))
        assert [n.payload for n in heard] == [str(workshop.pk)]


def test_hostile_stream_parameters_never_give_a_500(db, workshop, facilitator_client, phone):
    from urllib.parse import quote

    from tests.security.test_hostile_input import HOSTILE

    workshop.go_to(1)

    async def scenario():
        for value in HOSTILE:
            url = f"{screen_url(workshop)}?s={quote(value)}"
            stream = await open_stream(facilitator_client, url)
            try:
                # A step it cannot read is no step (the live region, as is);
                # a step the workshop is not at reloads the page.
                assert (await stream.next())["event"] in ("live", "reload")
            finally:
                await stream.close()
            code = quote(value, safe="")
            response = await async_client(phone).get(f"/workshops/live/{code}/events/")
            assert response.status_code in (302, 404), value
            try:
                value.encode("latin-1")  # what a header can carry
            except UnicodeEncodeError:
                continue
            other = await async_client(phone).get(
                phone_url(workshop), headers={"Last-Event-ID": value}
            )
            assert other.status_code == 200, value
            await Stream(other).close()

    run(scenario)
    assert hub.open_streams == 0


def test_a_stream_whose_database_goes_away_ends_quietly_and_is_opened_again(
    db, workshop, phone, log_lines, monkeypatch
):
    """The database goes away between the stream's check and its first
    drawing (a restart, a fail-over): the stream ends, so the browser opens
    it again after its retry, and the log has one line, not a traceback."""
    import psycopg
    from django.db import OperationalError

    def away(pk, kinds):
        try:
            raise psycopg.OperationalError("connection to server at 127.0.0.1 failed")
        except psycopg.Error as error:
            raise OperationalError(str(error)) from error

    async def scenario():
        monkeypatch.setattr(hub, "drawer", away)
        # Only the stream's own drawing: no listener to redraw the room too
        # (on PostgreSQL it would log its own line for the same outage).
        monkeypatch.setattr("workshops.push.uses_postgres", lambda: False)
        stream = await open_stream(phone, phone_url(workshop))
        assert "retry" in parse((await stream.chunks.__anext__()).decode())
        assert await stream.ended()

    run(scenario)
    assert hub.open_streams == 0
    (line,) = log_lines()
    assert "the database is unavailable: connection to server" in line
    assert "Traceback" not in line


@pytest.mark.django_db(transaction=True)
def test_a_screen_that_leaves_while_its_room_is_drawn_is_not_left_a_stale_drawing(
    rubric, workshop, facilitator_client, phone, monkeypatch
):
    """The missed vote: the facilitator presses Next, and their old page's
    stream closes while the room is being drawn for that change. The
    drawing lands after the old stream has gone, a phone votes before the
    new page's stream opens (so that vote is drawn for the phones alone),
    and the new stream must still open with the vote counted."""
    workshop.go_to(1)
    area = area_id(workshop, 1)
    drawing_a_screen = asyncio.Event()
    let_it_land = asyncio.Event()
    draw = hub.draw

    async def slow_draw(pk, kinds):
        states = await draw(pk, kinds)
        if streams.RUN in kinds and not let_it_land.is_set():
            drawing_a_screen.set()
            await let_it_land.wait()
        return states

    async def scenario():
        old = await open_stream(facilitator_client, screen_url(workshop, 1))
        phone_stream = await open_stream(phone, phone_url(workshop))
        try:
            await old.next()
            await phone_stream.next()
            await listening()
            monkeypatch.setattr(hub, "draw", slow_draw)
            status = reverse("workshops:status", args=[workshop.pk])
            await sync_to_async(facilitator_client.post)(status, {"status": "paused"})
            await asyncio.wait_for(drawing_a_screen.wait(), WAIT_S)
            await old.close()  # the page goes away mid-drawing
            room = hub.rooms[workshop.pk]
            while room.streams.get(streams.RUN):
                await asyncio.sleep(0.01)
            let_it_land.set()
            while room.drawing:
                await asyncio.sleep(0.01)
            await sync_to_async(facilitator_client.post)(status, {"status": "active"})
            while room.drawing or room.stale:
                await asyncio.sleep(0.01)
            vote = reverse("workshops:vote", args=[workshop.join_code])
            await sync_to_async(phone.post)(vote, {"area": area, "level": 2}, **HTMX)
            while room.drawing or room.stale:
                await asyncio.sleep(0.01)

            new = await open_stream(facilitator_client, screen_url(workshop, 1))
            try:
                first = await new.next()
                assert 'data-testid="voted-count">1<' in first["data"], first["data"]
            finally:
                await new.close()
        finally:
            await phone_stream.close()

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_whatever_the_timing_of_next_a_vote_and_the_new_page_the_screen_shows_the_vote(
    rubric, team_a, facilitator, facilitator_client, monkeypatch
):
    """The facilitator's Next, a phone's vote as soon as its buttons appear,
    the old page's stream closing and the new page's opening, in a random
    order each time, with drawings slowed by a random few milliseconds so
    that they overlap: every time, the new page's stream shows the vote
    within a second."""
    from tests.workshops.conftest import make_workshop

    rounds = 20
    rng = random.Random(30)
    draw = hub.draw

    async def jittery_draw(pk, kinds):
        await asyncio.sleep(rng.uniform(0, 0.02))
        return await draw(pk, kinds)

    async def later(seconds, action):
        await asyncio.sleep(seconds)
        return await action()

    async def one_round():
        workshop = await sync_to_async(make_workshop)(team_a, facilitator, rubric)
        phone = Client()
        await sync_to_async(join)(phone, workshop, "Ann")
        area = await sync_to_async(area_id)(workshop, 1)
        hub.rooms.clear()  # each round's room is its own
        old = await open_stream(facilitator_client, screen_url(workshop, 0))
        phone_stream = await open_stream(phone, phone_url(workshop))
        await old.next()
        await phone_stream.next()
        await listening()
        go = reverse("workshops:go_to", args=[workshop.pk])
        await sync_to_async(facilitator_client.post)(go, {"step": 1})
        vote = reverse("workshops:vote", args=[workshop.join_code])
        opened: list[Stream] = []

        async def open_new():
            opened.append(await open_stream(facilitator_client, screen_url(workshop, 1)))

        await asyncio.gather(
            later(rng.uniform(0, 0.03), old.close),
            later(
                rng.uniform(0, 0.03),
                sync_to_async(lambda: phone.post(vote, {"area": area, "level": 2}, **HTMX)),
            ),
            later(rng.uniform(0, 0.03), open_new),
        )
        (new,) = opened
        try:
            shown = ""
            deadline = asyncio.get_running_loop().time() + 1
            while 'data-testid="voted-count">1<' not in shown:
                left = deadline - asyncio.get_running_loop().time()
                assert left > 0, f"the screen still shows: {shown}"
                shown = (await asyncio.wait_for(new.next(), left))["data"]
        finally:
            await new.close()
            await phone_stream.close()

    async def scenario():
        monkeypatch.setattr(hub, "draw", jittery_draw)
        for _ in range(rounds):
            await one_round()

    run(scenario)


class Asgi:
    """One request to the streams' own ASGI application (`streams.serve`, as
    production routes it): its answer's start, and the body as it comes."""

    def __init__(self, path: str, client: Client | None = None, method: str = "GET"):
        cookies = "; ".join(f"{k}={v.value}" for k, v in (client.cookies if client else {}).items())
        path, _, query = path.partition("?")
        self.scope = {
            "type": "http",
            "method": method,
            "path": path,
            "query_string": query.encode(),
            "root_path": "",
            "headers": [(b"host", b"testserver"), (b"cookie", cookies.encode())],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        self.sent: asyncio.Queue = asyncio.Queue()
        self.leave = asyncio.Event()

    async def receive(self):
        if not hasattr(self, "asked"):
            self.asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.leave.wait()
        return {"type": "http.disconnect"}

    async def send(self, message):
        await self.sent.put(message)

    async def start(self) -> dict:
        self.task = asyncio.ensure_future(streams.serve(self.scope, self.receive, self.send))
        start = await asyncio.wait_for(self.sent.get(), WAIT_S)
        self.status = start["status"]
        self.headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
        return start

    async def body(self) -> bytes:
        return (await asyncio.wait_for(self.sent.get(), WAIT_S))["body"]

    async def close(self) -> None:
        self.leave.set()
        await asyncio.wait_for(self.task, WAIT_S)


@pytest.mark.django_db(transaction=True)
def test_a_stream_through_its_own_asgi_application_is_checked_as_its_page_is(
    rubric, workshop, facilitator_client, phone, member_b, team_b
):
    from tests.conftest import client_for

    workshop.go_to(1)
    member_b_client = client_for(Client(), member_b)

    async def answer(path, client=None, method="GET"):
        request = Asgi(path, client, method)
        await request.start()
        await request.close()
        return request

    async def scenario():
        screen = Asgi(screen_url(workshop, 1), facilitator_client)
        await screen.start()
        assert screen.status == 200
        assert screen.headers["content-type"] == "text/event-stream"
        assert screen.headers["x-accel-buffering"] == "no"
        body = b""
        while b"event: live" not in body:
            body += await screen.body()
        # The buttons carry the token of this screen's own CSRF cookie.
        assert b'name="csrfmiddlewaretoken" value="' in body
        assert streams.CSRF_PLACEHOLDER.encode() not in body
        assert hub.open_streams == 1
        await screen.close()  # the screen goes away: its stream leaves the room
        assert hub.open_streams == 0

        phone_stream = await answer(phone_url(workshop), phone)
        assert phone_stream.status == 200
        stranger = await answer(phone_url(workshop), Client())
        assert (stranger.status, stranger.headers["location"]) == (
            302,
            reverse("workshops:join_code", args=[workshop.join_code]),
        )
        signed_out = await answer(screen_url(workshop, 1), Client())
        assert signed_out.status == 302 and "/login" in signed_out.headers["location"]
        assert (await answer(screen_url(workshop, 1), member_b_client)).status == 404
        assert (await answer(phone_url(workshop), phone, "POST")).status == 405
        assert (await answer("/workshops/nowhere/events/")).status == 404

    run(scenario)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "short",
    ["LIVE_MAX_STREAMS", "LIVE_MAX_OPENING", "file descriptors", "memory", "a late loop"],
)
def test_a_stream_the_process_cannot_afford_is_refused_at_once(
    rubric, workshop, phone, settings, monkeypatch, short
):
    """Past what the process can hold, a new stream is told when to come back
    before any of its checks, and the page polls meanwhile."""
    from workshops import budget

    hub.open_streams = 10
    if short == "LIVE_MAX_STREAMS":
        settings.LIVE_MAX_STREAMS = 10
    elif short == "LIVE_MAX_OPENING":
        settings.LIVE_MAX_OPENING = 3
        monkeypatch.setattr(budget.budget, "opening", 3)
    elif short == "file descriptors":
        monkeypatch.setattr(budget.resource, "getrlimit", lambda _: (10 + 256, 4096))
    elif short == "memory":
        monkeypatch.setattr(budget, "spare_memory", lambda: 63 * 1024 * 1024)

    async def scenario():
        if short == "a late loop":
            settings.LIVE_MAX_LAG_MS = 250
            # The process is busy: its loop ran 400 ms late a moment ago.
            budget.lag.watch(asyncio.get_running_loop())
            await asyncio.sleep(0.06)
            time.sleep(0.4)
            await asyncio.sleep(0.01)
            assert budget.lag.ms > settings.LIVE_MAX_LAG_MS
        request = Asgi(phone_url(workshop), phone)
        await request.start()
        assert request.status == 503
        assert 1 <= int(request.headers["retry-after"]) <= 60
        await request.close()

    run(scenario)
    hub.open_streams = 0
    settings.LIVE_MAX_STREAMS = 20_000
    settings.LIVE_MAX_OPENING = 8
    monkeypatch.setattr(budget, "spare_memory", lambda: 1024**3)
    monkeypatch.setattr(budget.budget, "_memory_read_at", float("-inf"))
    monkeypatch.setattr(budget.resource, "getrlimit", lambda _: (20_000, 20_000))
    monkeypatch.setattr(budget.budget, "opening", 0)

    async def afforded():
        request = Asgi(phone_url(workshop), phone)
        await request.start()
        assert request.status == 200
        await request.close()

    run(afforded)


@pytest.mark.django_db(transaction=True)
def test_closed_streams_give_their_memory_back_once_for_a_wave(
    rubric, workshop, phone, monkeypatch
):
    """After a wave of screens closes, the process collects their garbage and
    hands the free memory back to the system, once for the wave; not while
    as many screens stay open as have closed (they come and go with each
    step), when a full collection would hold every open screen up."""
    from workshops import budget

    trims = []
    monkeypatch.setattr(budget, "TRIM_AFTER", 3)
    monkeypatch.setattr(budget, "_malloc_trim", trims.append)
    monkeypatch.setattr(budget, "trim", budget.Trim())
    monkeypatch.setattr(streams, "trim", budget.trim)

    async def scenario():
        opened = [Asgi(phone_url(workshop), phone) for _ in range(8)]
        for request in opened:
            await request.start()
        for request in opened[:4]:
            await request.close()
        await asyncio.sleep(1.2)
        assert trims == []  # four closed, four still open
        for request in opened[4:]:
            await request.close()
        await asyncio.sleep(1.2)
        assert trims == [0]

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_votes_is_a_few_redraws_not_one_each(
    rubric, workshop, facilitator_client, settings, monkeypatch
):
    settings.LIVE_REDRAW_MS = 500
    workshop.go_to(1)
    area = area_id(workshop, 1)
    phones = [Client() for _ in range(8)]
    for client in phones:
        join(client, workshop)
    redraws = []
    draw, recount = hub.draw, hub.recount

    async def drawn(pk, kinds):
        if streams.RUN in kinds:
            redraws.append(kinds)
        return await draw(pk, kinds)

    async def counted(room):
        redraws.append("counted again")
        return await recount(room)

    async def scenario():
        screen = await open_stream(facilitator_client, screen_url(workshop, 1))
        try:
            await screen.next()
            await listening()
            monkeypatch.setattr(hub, "draw", drawn)
            monkeypatch.setattr(hub, "recount", counted)
            vote = reverse("workshops:vote", args=[workshop.join_code])
            for client in phones:
                await sync_to_async(client.post)(vote, {"area": area, "level": 3}, **HTMX)
            shown = ""
            while 'data-testid="voted-count">8<' not in shown:
                shown = (await screen.next())["data"]
            # Eight votes within a moment: counted at once, then together,
            # and never drawn whole (a vote changes only the counts).
            assert 1 <= len(redraws) <= 3, redraws
            assert set(redraws) == {"counted again"}
        finally:
            await screen.close()

    run(scenario)


def whole(states: dict) -> dict:
    """Each kind's drawing as its screen shows it, less the version it names."""
    return {kind: re.sub(r'"v": "\d+\+?"', "", state.data) for kind, state in states.items()}


@pytest.mark.parametrize("step", ["opening", "area", "choose"])
def test_counted_again_the_screens_show_what_a_whole_drawing_shows(db, workshop, facilitator, step):
    """A vote, a note, a dot or someone joining changes only the room's
    counts: the screens are counted again in one query, not drawn again,
    and show exactly what drawing them whole shows, under an id of their
    own (see the next test)."""
    phones = [Client() for _ in range(2)]
    people = [join(client, workshop) for client in phones]
    if step != "opening":
        workshop.go_to(1 if step == "area" else workshop.choose_step)
    area = workshop.current_area
    kinds = [streams.RUN, streams.LOOK, streams.PRESENTER]
    shown = streams.draw(workshop.pk, kinds)
    if step == "area":
        workshop.vote(people[0], area["id"], 2)
        workshop.add_note(people[1], area["id"], "helps", "We pair.")
    elif step == "choose":
        workshop.place_dot(people[0], workshop.areas[0]["id"])
    else:
        join(Client(), workshop)
    with CaptureQueriesContext(connection) as queries:
        counted = streams.recount(workshop.pk, shown)
    assert len(queries) == 1
    drawn = streams.draw(workshop.pk, kinds)
    assert whole(counted) == whole(drawn)
    assert whole(counted) != whole(shown)
    version = str(Workshop.objects.get(pk=workshop.pk).version)
    assert {state.id for state in counted.values()} == {version + "+"}
    assert all(f'"v": "{version}+"' in state.data for state in counted.values())
    assert {state.id for state in drawn.values()} == {version}


def test_a_change_counted_again_before_it_is_heard_still_reaches_the_screen(db, workshop):
    """A reveal committed but not yet heard by this process when a vote is
    counted again: the count reads the reveal's version, and the screens
    show the count without the spread. The reveal's own drawing, when it is
    heard, has another id, so it is still sent."""
    phones = [Client() for _ in range(2)]
    people = [join(client, workshop) for client in phones]
    workshop.go_to(1)
    area = workshop.current_area["id"]
    shown = streams.draw(workshop.pk, [streams.RUN])
    workshop.vote(people[0], area, 2)
    workshop.reveal(area)  # not heard yet
    counted = streams.recount(workshop.pk, shown)[streams.RUN]
    drawn = streams.draw(workshop.pk, [streams.RUN])[streams.RUN]
    assert "app-spread" not in counted.data and "app-spread" in drawn.data
    assert counted.id != drawn.id
    # Once the votes are revealed, a vote that crossed the reveal changes the
    # spread: the screens are drawn whole.
    assert streams.recount(workshop.pk, {streams.RUN: drawn}) is None


@pytest.mark.django_db(transaction=True)
def test_a_vote_wakes_the_shared_screens_and_no_phone(
    rubric, workshop, facilitator_client, monkeypatch
):
    area, phones = voting(workshop, 3)
    woken = []

    async def scenario():
        screen = await open_stream(facilitator_client, screen_url(workshop, 1))
        opened = [await open_stream(client, phone_url(workshop)) for client in phones]
        try:
            await screen.next()
            for stream in opened:
                await stream.next()
            await listening()
            room = hub.rooms[workshop.pk]
            wake = room._wake
            monkeypatch.setattr(
                room, "_wake", lambda kinds=None: woken.append(kinds) or wake(kinds)
            )
            vote = reverse("workshops:vote", args=[workshop.join_code])
            await sync_to_async(phones[0].post)(vote, {"area": area, "level": 3}, **HTMX)
            shown = ""
            while 'data-testid="voted-count">1<' not in shown:
                shown = (await screen.next())["data"]
            drawn = [kinds for kinds in woken if kinds is not None]  # None: a heartbeat
            assert drawn and all(kinds == [streams.RUN] for kinds in drawn), woken
        finally:
            for stream in [screen, *opened]:
                await stream.close()

    run(scenario)


def test_streams_of_a_room_opening_together_share_one_drawing(rubric, workshop, monkeypatch):
    """Ten phones open their streams at once (a room joining, every screen
    coming back after a restart): the room is drawn once for them, not once
    each in a queue for the one thread that draws, which under a flood of
    openings grew faster than it drained."""
    workshop.go_to(1)
    phones = [Client() for _ in range(10)]
    for client in phones:
        join(client, workshop)
    drawn = []
    draw = hub.draw

    async def slow(pk, kinds):
        drawn.append(kinds)
        states = await draw(pk, kinds)
        await asyncio.sleep(0.2)  # every stream has asked by the time it lands
        return states

    async def scenario():
        # Listening first: a LISTEN that takes hold while the streams open
        # redraws every room (whatever changed before it was missed).
        hub.start()
        await listening()
        monkeypatch.setattr(hub, "draw", slow)
        opened = [await open_stream(client, phone_url(workshop)) for client in phones]
        try:
            first = await asyncio.gather(*(stream.next() for stream in opened))
            assert drawn == [[streams.PHONE]]
            assert {event["event"] for event in first} == {"room"}
            assert len({event["id"] for event in first}) == 1
        finally:
            for stream in opened:
                await stream.close()

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_a_stream_counts_as_opening_until_its_first_state_is_drawn(
    rubric, workshop, phone, settings, monkeypatch
):
    """Under a flood, the drawings of streams already checked are what the
    process is busy with: a stream still waiting for its first state counts
    against LIVE_MAX_OPENING, so the next is refused at once, and it stops
    counting as soon as its state is drawn, or when it goes away first."""
    from workshops import budget

    settings.LIVE_MAX_OPENING = 1
    monkeypatch.setattr(budget.budget, "opening", 0)
    drawing = asyncio.Event()
    let_it_land = asyncio.Event()
    draw = hub.draw

    async def held_back(pk, kinds):
        drawing.set()
        await let_it_land.wait()
        return await draw(pk, kinds)

    async def scenario():
        monkeypatch.setattr(hub, "draw", held_back)
        first = Asgi(phone_url(workshop), phone)
        await first.start()
        assert first.status == 200
        await asyncio.wait_for(drawing.wait(), WAIT_S)
        second = Asgi(phone_url(workshop), phone)
        await second.start()
        assert second.status == 503  # the first is checked, but not yet drawn
        await second.close()
        let_it_land.set()
        body = b""
        while b"event: room" not in body:
            body += await first.body()
        assert budget.budget.opening == 0
        third = Asgi(phone_url(workshop), phone)
        await third.start()
        assert third.status == 200
        await third.close()  # gone before reading anything: counted out too
        await first.close()
        assert budget.budget.opening == 0

    run(scenario)
