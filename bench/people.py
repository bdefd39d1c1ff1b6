"""The people a scenario of `make bench` puts in front of the service: the
rooms of a live workshop (a facilitator's screen, a presenter screen and
ten phones, each holding its stream), everyone else (people browsing, the
baseline, a load balancer's health check), and a measured window.

The fan-out: when a vote's, a reveal's or the notes shown's post is
answered, the time of the answer is kept; the facilitator's stream's next
`live` event after the post was sent is the screen's arrival, and for a
reveal, the notes shown, the dots counted or the next step each phone's
next `room` event with a new key is that phone's arrival (the 10th phone:
the last of the room's ten). An event that beat the answer counts as 0 ms. A concurrent
change in the same room can be taken for the post's own (biased low, rare:
a room's votes are spread over minutes).

The pace of a live workshop is the polling bench's: areas of BENCH_AREA_S
(300 s), a vote in the first half of each area (one in five changes their
mind), up to two notes in its first 60%, autosaves every 4 s, the reveal
and the notes shown at 70%, then the next area; the choose step after the
last area (three dots each, one in five moves one, counted at 70%). One
seeded workshop in five starts at the choose step. Rooms start their steps
at different moments.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
from html import unescape
from pathlib import Path

import aiohttp
import report
from client import (
    FIRST,
    HTMX,
    MAX_S,
    PHONES_PER_WORKSHOP,
    RESULT,
    SESSIONS,
    STATS,
    STOP,
    WATCHING,
    Arrival,
    Client,
    all_arrived,
    cpu_seconds,
    now,
)
from service import busy_percent, cores_busy

AREA_S = float(os.environ.get("BENCH_AREA_S", "300"))
BROWSERS = 10  # and as many playbook browsers: 20 people browsing
EVENT_TIMEOUT_S = 30  # a change not on a screen by then is counted as missed

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')  # base.html, for htmx posts
ROOM_KEY = re.compile(r'id="room"[^>]*\bdata-key="([^"]*)"')
AREA_INPUT = re.compile(r'name="area" value="(\d+)"')
LEVEL_BUTTON = re.compile(r'name="level" value="(\d+)"')
AREA_COUNT = re.compile(r"Area (\d+) of (\d+)")
PRESENTER = re.compile(r'"v": "(\d+)", "s": "(\d+)"')  # the fallback poll's vals
NEXT_STEP = re.compile(r'name="step" value="(\d+)">\s*<button[^>]*>\s*Next')
REVISION = re.compile(r'name="revision" id="id_revision" value="(\d+)"')
DOTS_PER = re.compile(r'data-dots-per-participant="(\d+)"')
NOTES = ["Pairing helps", "Approvals are slow", "We demo every week", "Too many hand-offs"]
STREAM_URL = re.compile(r'data-sse-connect="([^"]+)"')


# --- the people in a live room --------------------------------------------------------


class Room:
    def __init__(self, index: int):
        live = SESSIONS["live"][index]
        self.index, self.code, self.pk, self.session = (
            index,
            live["code"],
            live["workshop"],
            live["session"],
        )
        self.phones: list[Phone] = []
        self.facilitator: Screen | None = None
        self.presenter: Screen | None = None

    def everyone(self) -> list[Client]:
        return [u for u in (self.facilitator, self.presenter, *self.phones) if u]

    def fanout(self, sent: float, answered: float, phones: bool, screen: bool = True) -> None:
        """The post changed the room: when did its screens hear of it?"""
        task = asyncio.create_task(self._fanout(sent, answered, phones, screen))
        WATCHING.add(task)
        task.add_done_callback(WATCHING.discard)

    async def _fanout(self, sent, answered, phones, screen):
        def ms(at):
            return max(0.0, (at - answered) * 1000)

        if screen and self.facilitator:
            try:
                at = await asyncio.wait_for(self.facilitator.arrival.after(sent), EVENT_TIMEOUT_S)
                STATS.fanout["screen"].append(ms(at))
            except TimeoutError:
                STATS.missed["screen"] += 1
        if not phones or not self.phones:
            return
        # The phones whose stream was open when the post was sent: one still
        # joining, or reconnecting, is shown the room as it is when its
        # stream opens, and has no event of this change to hear.
        streaming = [p for p in self.phones if p.connected and p.connected_at <= sent]
        if not streaming:
            return
        heard = [p.arrival.after(sent) for p in streaming]
        shown = [p.shown.after(sent) for p in streaming]
        arrivals = await all_arrived(heard, EVENT_TIMEOUT_S)
        if arrivals is None:
            STATS.missed["tenth_phone"] += 1
            for future in shown:
                future.cancel()
            return
        STATS.fanout["tenth_phone"].append(ms(max(arrivals)))
        STATS.fanout["phone"].extend(ms(a) for a in arrivals)
        done = await all_arrived(shown, EVENT_TIMEOUT_S)
        if done is None:
            STATS.missed["tenth_phone_shown"] += 1
        else:
            STATS.fanout["tenth_phone_shown"].append(ms(max(done)))


class Phone(Client):
    """A phone in the room: joins with the code (no account) and holds the
    room's stream, whose events carry the room drawn for every phone (as
    the page does, it marks its own and asks nothing more); votes, adds
    notes and places dots at the pace above. Its posts' answers are what
    changed of its own (JSON), not its room."""

    def __init__(self, room: Room, n: int, active: bool = True):
        super().__init__()
        self.room, self.n, self.active = room, n, active
        self.key = ""
        self.area = self.voted_on = self.vote_at = None
        self.note_at, self.dot_at, self.my_dots = [], [], []
        self.choosing, self.dots_left, self.dot_areas = False, 0, []
        self.levels = ["1"]
        self.arrival, self.shown = Arrival(), Arrival()
        self.stream_path = ""  # the page's data-sse-connect

    async def join(self) -> bool:
        code = self.room.code
        page = await self.request("GET", f"/workshops/join/{code}/", "join page")
        if not page:
            return False
        token = CSRF.search(page[1])
        self.csrf = token.group(1) if token else ""
        room = await self.post(
            "/workshops/join/", {"code": code, "display_name": f"Phone {self.n}"}, "join", False
        )
        if not room:
            return False
        header = CSRF_HEADER.search(room[1])
        self.csrf = header.group(1) if header else self.csrf
        self.read(room[1])
        return True

    def open_stream(self):
        path = self.stream_path or f"/workshops/live/{self.room.code}/events/"
        self.hold(path, "phone stream", self.on_event)

    async def run(self):
        try:
            if not await self.join():
                self.mark_ready()  # counted as ready, its error is in the table
                return
            self.open_stream()
            while self.active and not STOP.is_set():
                due = min((t for t in [self.vote_at, *self.note_at[:1], *self.dot_at[:1]] if t),
                          default=None)  # fmt: skip
                wait = due - now() if due else 2.0
                if wait > 0:
                    await asyncio.sleep(min(wait, 2.0))
                    continue
                await self.act()
            await STOP.wait()
        except asyncio.CancelledError:
            pass

    async def act(self):
        t = now()
        if self.vote_at is not None and t >= self.vote_at and self.area:
            await self.vote()
        elif self.note_at and t >= self.note_at[0] and self.area:
            self.note_at.pop(0)
            await self.note()
        elif self.dot_at and t >= self.dot_at[0] and self.choosing:
            self.dot_at.pop(0)
            await self.dot()
        else:  # due but not applicable (the room moved on)
            if self.vote_at is not None and t >= self.vote_at:
                self.vote_at = None
            if self.note_at and t >= self.note_at[0]:
                self.note_at.pop(0)
            if self.dot_at and t >= self.dot_at[0]:
                self.dot_at.pop(0)

    async def on_event(self, kind, event_id, data, at):
        if kind == "close":
            return True  # the workshop closed: the page stops listening
        if kind != "room" or event_id == self.key:
            return False
        self.arrival.arrived(at)
        self.read(data)
        self.shown.arrived(at)
        return False

    def read(self, html: str) -> None:
        if not (html or "").lstrip().startswith("<"):
            return  # a post's answer: what changed of this phone's own
        key, area = ROOM_KEY.search(html or ""), AREA_INPUT.search(html or "")
        if key:
            self.key = key.group(1)
        connect = STREAM_URL.search(html or "")
        if connect:
            self.stream_path = unescape(connect.group(1))
        levels = LEVEL_BUTTON.findall(html or "")
        if levels:
            self.levels = levels
        if "/dots/" in (html or ""):
            # The choose step: every area has a dot form, and no vote.
            self.dot_areas = sorted(set(AREA_INPUT.findall(html)))
            per = DOTS_PER.search(html)
            self.dots_left = (int(per.group(1)) if per else 0) - len(self.my_dots)
            if not self.choosing:
                t = now()
                moves = 4 if random.random() < 0.2 else 3  # one in five moves a dot
                self.dot_at = sorted(t + random.uniform(2, AREA_S / 2) for _ in range(moves))
            self.choosing, self.area = True, None
            return
        self.choosing = False
        new_area = area and area.group(1) != self.area
        self.area = area.group(1) if area else None
        if new_area and self.area != self.voted_on and self.vote_at is None:
            t = now()
            self.vote_at = t + random.uniform(2, AREA_S / 2)
            notes = random.choice([0, 1, 2])
            self.note_at = sorted(t + random.uniform(5, 0.6 * AREA_S) for _ in range(notes))

    async def vote(self):
        first = self.voted_on != self.area
        self.voted_on = self.area
        changes_mind = first and random.random() < 0.2
        self.vote_at = now() + random.uniform(5, 15) if changes_mind else None
        got = await self.post(
            f"/workshops/live/{self.room.code}/vote/",
            {"area": self.area, "level": random.choice(self.levels)},
            "vote",
        )
        if got and self.read_answer(got):
            self.room.fanout(got[3], got[2], phones=False)
        return got

    async def note(self):
        got = await self.post(
            f"/workshops/live/{self.room.code}/notes/",
            {
                "area": self.area,
                "kind": random.choice(["helps", "holds_back"]),
                "text": random.choice(NOTES),
            },
            "note",
        )
        if got:
            self.read_answer(got)
        return got

    def read_answer(self, got) -> bool:
        """A post's answer: what changed of this phone's own (JSON), true; or,
        when the post was refused because the room had moved on (a reveal,
        the next step), the room as it is now, which the phone shows at once
        as its stream's event would have had it: for the fan-out it has
        heard of that change, and the event bringing the same key is not
        new to it. A refused post changed nothing for the screens."""
        before = self.key
        self.read(got[1])
        if self.key != before:
            self.arrival.arrived(got[2])
            self.shown.arrived(got[2])
        return not (got[1] or "").lstrip().startswith("<")

    async def dot(self):
        if self.dots_left > 0 or not self.my_dots:
            area, action = random.choice(self.dot_areas or ["0"]), "add"
            self.my_dots.append(area)
        else:
            area, action = self.my_dots.pop(random.randrange(len(self.my_dots))), "remove"
        got = await self.post(
            f"/workshops/live/{self.room.code}/dots/", {"area": area, "action": action}, "dot"
        )
        self.dots_left = max(self.dots_left + (-1 if action == "add" else 1), 0)
        return got


class Screen(Client):
    """The facilitator's screen (it also runs the workshop) or the presenter
    screen: the page, then its stream; `live` events carry the live region,
    `reload` a new step, after which the page is fetched again."""

    def __init__(self, room: Room, presenter: bool = False, active: bool = True):
        super().__init__(room.session)
        self.room, self.presenter, self.active = room, presenter, active
        base = f"/workshops/{room.pk}/"
        self.page = base + ("screen/" if presenter else "")
        self.name = "presenter screen" if presenter else "facilitator screen"
        self.step, self.areas, self.area, self.revision = 0, 1, None, "0"
        self.choosing = self.revealed = False
        self.notes = ""
        self.arrival = Arrival()
        self.reloading: asyncio.Task | None = None
        self.area_started = 0.0
        self.next_note = 0.0

    async def load(self, name: str | None = None) -> bool:
        got = await self.request("GET", self.page, name or self.name)
        if not got:
            return False
        self.show(got[1])
        # The page's stream (with the step it shows: the server says reload
        # when the step is another).
        connect = STREAM_URL.search(got[1])
        path = unescape(connect.group(1)) if connect else f"{self.page}events/?s={self.step}"
        self.hold(path, f"{self.name} stream", self.on_event)
        return True

    def show(self, html: str) -> None:
        header = CSRF_HEADER.search(html)
        self.csrf = header.group(1) if header else self.csrf
        vals, count = PRESENTER.search(html), AREA_COUNT.search(html)
        if count:
            self.areas = int(count.group(2))
        if vals:
            self.step = int(vals.group(2))
        elif count:
            self.step = int(count.group(1))
        else:
            following = NEXT_STEP.search(html)
            self.step = int(following.group(1)) - 1 if following else self.areas + 1
        area, revision = AREA_INPUT.search(html), REVISION.search(html)
        self.choosing = self.step > self.areas
        self.area = area.group(1) if area and not self.choosing else None
        self.revision = revision.group(1) if revision else "0"
        self.notes = ""
        # What the page says: a room an earlier scenario or step left
        # revealed is not revealed again (a reveal that changes nothing
        # sends nothing, and its fan-out would be counted as missed).
        base = f"/workshops/{self.room.pk}/"
        self.revealed = (base + ("dots/reveal/" if self.choosing else "reveal/")) not in html

    async def on_event(self, kind, event_id, data, at):
        if kind == "live":
            self.arrival.arrived(at)
            return False
        if kind == "reload":
            # The page reloads (unless it already shows that step: its own
            # step's answer led it there); its stream ends with it.
            self.arrival.arrived(at)
            try:
                step = int(data.strip())
            except ValueError:
                step = -1
            if step != self.step:
                self.reloading = asyncio.create_task(self.load("screen reload"))
            return True
        return kind == "close"

    async def run(self):
        try:
            if not await self.load():
                self.mark_ready()
                return
            # Rooms did not all start at the same moment.
            self.area_started = now() - random.uniform(0, AREA_S * 0.6)
            while self.active and not self.presenter and not STOP.is_set():
                elapsed = now() - self.area_started
                if elapsed >= AREA_S:
                    await self.next_step()
                elif elapsed >= 0.7 * AREA_S and not self.revealed:
                    await self.reveal()
                elif not self.revealed and now() >= self.next_note:
                    await self.notes_autosave()
                due = [self.area_started + AREA_S]
                if not self.revealed:
                    due += [self.area_started + 0.7 * AREA_S, self.next_note]
                await asyncio.sleep(min(2.0, max(0.0, min(due) - now())))
            await STOP.wait()
        except asyncio.CancelledError:
            pass

    async def notes_autosave(self):
        self.next_note = now() + 4
        if self.area is None:
            return None
        self.notes += random.choice(["Pairing helps. ", "Approvals are slow. ", "We demo weekly. "])
        got = await self.post(
            f"/workshops/{self.room.pk}/record/",
            {
                "area": self.area,
                "revision": self.revision,
                "score": random.randint(1, 5),
                "helps": self.notes,
                "holds_back": "Hand-offs",
            },
            "notes autosave",
        )
        revision = REVISION.search(got[1]) if got else None
        if revision:
            self.revision = revision.group(1)
        return got

    async def reveal(self, notes: bool = True):
        """The votes and (unless `notes` is false) the phones' notes on the
        area, or the dots' tally."""
        self.revealed = True
        pk = self.room.pk
        if self.choosing:
            got = await self.post(f"/workshops/{pk}/dots/reveal/", {}, "reveal", htmx=False)
        elif self.area is not None:
            got = await self.post(f"/workshops/{pk}/reveal/", {"area": self.area}, "reveal")
            if notes:
                await self.show_notes()
        else:
            return None
        if got:
            self.room.fanout(got[3], got[2], phones=True)
        return got

    async def show_notes(self):
        if self.area is None:
            return None
        got = await self.post(
            f"/workshops/{self.room.pk}/notes/show/", {"area": self.area}, "reveal", False
        )
        if got:
            self.room.fanout(got[3], got[2], phones=True)
        return got

    async def next_step(self, follow: bool = True):
        """Round the workshop's areas, the choose step after the last; the
        answer redirects to the new page, which holds a new stream."""
        step = 1 if self.choosing else self.step + 1
        got = await self.post(
            f"/workshops/{self.room.pk}/step/", {"step": step}, "step", False, redirects=False
        )
        self.area_started = now()
        if got:
            self.step = step  # its own reload event then asks for nothing more
            # The phones hear of the new step (this screen loads a new page).
            self.room.fanout(got[3], got[2], phones=True, screen=False)
            if follow:
                await self.load()
        return got


async def join_post(phone: Phone, room: Room):
    got = await phone.post(
        "/workshops/join/", {"code": room.code, "display_name": f"Phone {phone.n}"}, "join", False
    )
    if got:
        header = CSRF_HEADER.search(got[1])
        phone.csrf = header.group(1) if header else phone.csrf
        phone.read(got[1])
    return got


# --- everyone else -----------------------------------------------------------------------


ENTRIES = int(os.environ.get("BENCH_ENTRIES", "10000"))
AREAS = ["collaboration", "focus", "culture", "delivery", "approach"]
RESULTS = ["supported", "not_supported", "inconclusive"]
SEARCH_WORDS = [
    "pairing", "releases", "feature flags", "on-call", "user research", "rollback",
    "clinicians", "retrospectives", "work in progress", "accessibility", "zebra",
]  # fmt: skip


def _published_slug() -> str:
    """A published, visible entry: bench/seed.py withdraws i % 40 == 3 and hides i % 40 == 7."""
    while True:
        i = random.randrange(ENTRIES)
        if i % 40 not in (3, 7):
            return f"entry-{i:05d}"


async def browsing(client: Client, pick, wait: tuple[float, float]):
    """A person clicking around: pick() gives (name, path, params, headers)."""
    client.mark_ready()
    try:
        while not STOP.is_set():
            name, path, params, headers = pick()
            await client.request("GET", path, name, params=params, headers=headers)
            await asyncio.sleep(random.uniform(*wait))
    except asyncio.CancelledError:
        pass


def browser(team: str):
    """Signed in: the home page, the model page, their team's page."""
    return random.choices(
        [("home", "/", None, None), ("model page", "/model/", None, None),
         ("team page", f"/teams/{team}/", None, None)],
        weights=[3, 2, 1],
    )[0]  # fmt: skip


def playbook(team: str):
    """The playbook: the list, filters, searches (as htmx sends them, and now
    and then as a full page), entries, and their own team's page."""
    kind = random.choices(["list", "filter", "search", "entry", "team"], weights=[3, 3, 4, 4, 1])[0]
    if kind == "list":
        return "playbook list", "/playbook/", {"page": random.choice([1, 1, 1, 2, 5, 40])}, None
    if kind == "filter":
        params = {"area": random.choice(AREAS), "result": random.choice(["", *RESULTS])}
        return "playbook filter", "/playbook/", params, HTMX
    if kind == "search":
        params = {"q": random.choice(SEARCH_WORDS)}
        if random.random() < 0.5:
            params["area"] = random.choice(AREAS)
        return "playbook search", "/playbook/", params, HTMX if random.random() < 0.8 else None
    if kind == "entry":
        return "playbook entry", f"/playbook/{_published_slug()}/", None, None
    return "team page", f"/teams/{team}/", None, None


# --- the scenarios -------------------------------------------------------------------------


class Load:
    """The people running: rooms started at a spawn rate, everyone else."""

    def __init__(self):
        self.rooms: list[Room] = []
        self.tasks: list[asyncio.Task] = []
        self.clients: list[Client] = []
        self.users = 0

    def _spawn(self, client: Client, coro) -> None:
        self.clients.append(client)
        self.tasks.append(asyncio.create_task(coro))
        self.users += 1

    async def add_rooms(self, count: int, rate: float, screens_first: bool = False):
        """count more live rooms from FIRST on, users arriving at `rate` a second."""
        new = [Room(FIRST + len(self.rooms) + i) for i in range(count)]
        self.rooms.extend(new)
        for room in new:
            room.facilitator, room.presenter = Screen(room), Screen(room, presenter=True)
            room.phones = [Phone(room, room.index * 100 + n) for n in range(PHONES_PER_WORKSHOP)]
        screens = [s for r in new for s in (r.facilitator, r.presenter)]
        phones = [p for r in new for p in r.phones]
        order = screens + phones if screens_first else [u for r in new for u in r.everyone()]
        for i, user in enumerate(order):
            self._spawn(user, user.run())
            if screens_first and i < len(screens):
                if i % 20 == 19:
                    await asyncio.sleep(0.05)
                continue
            await asyncio.sleep(1 / rate)

    async def add_others(self):
        members = SESSIONS["members"]
        for _ in range(BROWSERS):
            m = random.choice(members)
            c = Client(m["session"])
            team = f"bench-team-{m['team']:03d}"
            self._spawn(c, browsing(c, lambda t=team: browser(t), (0.5, 2)))
            m = random.choice(members)
            c = Client(m["session"])
            team = f"bench-team-{m['team']:03d}"
            self._spawn(c, browsing(c, lambda t=team: playbook(t), (1, 3)))
        for _ in range(2):
            c = Client()
            self._spawn(
                c, browsing(c, lambda: ("baseline", "/bench/baseline", None, None), (0.5, 1.5))
            )
        c = Client()
        self._spawn(c, browsing(c, lambda: ("healthz", "/healthz", None, None), (2, 2)))

    async def warm(self, limit: float = 120) -> bool:
        began = now()
        while Client.count < self.users and now() - began < limit:
            await asyncio.sleep(0.2)
        return Client.count >= self.users

    async def drop_rooms(self, keep: int):
        """Everyone in the rooms beyond the first `keep` leaves."""
        gone = self.rooms[keep:]
        self.rooms = self.rooms[:keep]
        leaving = {id(u) for r in gone for u in r.everyone()}
        for task, client in zip(self.tasks, self.clients, strict=True):
            if id(client) in leaving:
                task.cancel()
        await asyncio.gather(*(c.close() for c in self.clients if id(c) in leaving))
        kept = [
            (t, c) for t, c in zip(self.tasks, self.clients, strict=True) if id(c) not in leaving
        ]
        self.tasks, self.clients = [t for t, _ in kept], [c for _, c in kept]
        self.users = len(self.clients)
        Client.count = sum(c.ready for c in self.clients)

    async def close(self):
        STOP.set()
        for t in [*self.tasks, *WATCHING]:
            t.cancel()
        await asyncio.gather(*self.tasks, *WATCHING, return_exceptions=True)
        await asyncio.gather(*(c.close() for c in self.clients), return_exceptions=True)


class Window:
    """One measured window: the statistics, the CPU, the fan-out."""

    def __init__(self, load: Load, workshops: int, warmed_up: bool = True):
        STATS.reset()
        self.load, self.workshops, self.warmed_up = load, workshops, warmed_up
        self.start, self.cpu, self.cores = now(), cpu_seconds(), cores_busy()

    def finish(self) -> dict:
        seconds = now() - self.start
        groups = STATS.groups(seconds)
        errors = sum(g["errors"] for g in groups)
        refused = sum(g["refused"] for g in groups)
        worst = max(groups, key=lambda g: g["p95_ms"] or 0, default=None)
        return {
            "workshops": self.workshops,
            "users": self.load.users,
            "warmed_up": self.warmed_up,
            "measured_s": round(seconds, 1),
            "requests": sum(g["requests"] for g in groups),
            "errors": errors,
            "refused": refused,
            "rps": round(sum(g["requests"] for g in groups) / seconds, 1),
            "worst_group": worst and worst["group"],
            "worst_p95_ms": worst and worst["p95_ms"],
            "generator_cpu_percent": round(100 * (cpu_seconds() - self.cpu) / seconds, 1),
            "cpu_busy_percent": busy_percent(self.cores, cores_busy()),
            "streams_open": Client.streams,
            "stream_drops": STATS.stream_drops,
            "events": STATS.events,
            "error_kinds": dict(STATS.error_kinds),
            "fanout": report.fanout_of(STATS.fanout, STATS.missed),
            "groups": groups,
        }


async def _main(name: str, scenario) -> int:
    Client.connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=3, force_close=False)
    load = Load()
    began_cpu = cpu_seconds()
    result: dict = {"scenario": name}
    try:
        result.update(await asyncio.wait_for(scenario(load), MAX_S))
    except TimeoutError:
        result["timed_out"] = True
    finally:
        await load.close()
        await Client.connector.close()
    result["generator_cpu_s"] = round(cpu_seconds() - began_cpu, 1)
    Path(RESULT).write_text(json.dumps(result) + "\n")
    return 0


def run(name: str, scenario) -> int:
    """Run one scenario (`async scenario(load) -> dict`) to its end or
    BENCH_MAX_S, everyone leaves, and its result goes to BENCH_RESULT."""
    return asyncio.run(_main(name, scenario))
