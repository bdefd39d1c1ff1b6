"""The load `make bench` drives against the pushed live room: one asyncio
process on aiohttp, pinned to the load core, headless, against 127.0.0.1
only, stopping by itself (bench.json reports its own CPU). Every phone,
facilitator's screen and presenter screen holds one server-sent event
stream and makes no poll; a coroutine and an idle socket per stream is
what lets one core hold thousands of them. bench/run.sh runs it once per
scenario, chosen with BENCH_SCENARIO:

- `start`: the start of a workshop. BENCH_WORKSHOPS rooms (50): their
  facilitators' and presenter screens up, then 10 phones per room join
  within 60 s, each opening its stream as soon as it is in. Everything
  counts, joins included.
- `workshop`: the steady state. BENCH_WORKSHOPS live workshops (10 phones,
  a facilitator's screen and a presenter screen each), 20 people browsing,
  2 on the baseline and a load balancer's health check. Warm-up (every
  phone joined, every stream open) before the statistics start; then
  BENCH_MEASURE_S.
- `capacity`: live workshops only, in steps (BENCH_STEPS). Each step adds
  workshops, warms them up, measures BENCH_MEASURE_S, and the sweep stops
  after the first step in which any group's p95 passed 150 ms, any answer
  was an error or a refusal. Then the overload: twice the workshops held
  (BENCH_MEASURE_S), then back to the workshops held and, 30 s later, a
  check that every room recovered.
- `idle`: BENCH_IDLE_STREAMS phones (2,000) join idle rooms; the service's
  memory is read, they open their streams, and after a settle the service
  core's busy time is measured over BENCH_IDLE_S (two heartbeats) and its
  memory read again.
- `cpu`: CPU per request on an otherwise idle service, one request at a
  time in a room whose screens and phones hold their streams: join, vote,
  note, dot, autosave, reveal, next area (and a phone's room fetch).
- `pages`: CPU per request of every page a person reads, one at a time on
  the otherwise idle service, and the statements each sends PostgreSQL
  (pg_stat_statements); BENCH_PAGES=playbook: the playbook's pages only.

Each request is named after its endpoint group (bench/report.py prints a
row per group). A 503 with Retry-After is a refusal, not an error: the
client waits what it was told, with jitter, and asks again.

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
import resource
import sys
import time
from collections import defaultdict
from html import unescape
from pathlib import Path

import aiohttp
import psycopg
from yarl import URL as Address

sys.path.insert(0, str(Path(__file__).resolve().parent))
import report  # noqa: E402  (bench/report.py: the percentiles, one definition)

URL = os.environ.get("BENCH_URL", "http://127.0.0.1:8000")
SCENARIO = os.environ.get("BENCH_SCENARIO", "workshop")
FIRST = int(os.environ.get("BENCH_FIRST", "0"))  # this scenario's first live workshop
WORKSHOPS = int(os.environ.get("BENCH_WORKSHOPS", "50"))
STEPS = [int(n) for n in os.environ.get("BENCH_STEPS", str(WORKSHOPS)).split(",") if n]
WARMUP_S = float(os.environ.get("BENCH_WARMUP_S", "5"))
MEASURE_S = float(os.environ.get("BENCH_MEASURE_S", "60"))
AREA_S = float(os.environ.get("BENCH_AREA_S", "300"))
SPAWN_RATE = float(os.environ.get("BENCH_SPAWN_RATE", "100"))
RECOVERY_S = float(os.environ.get("BENCH_RECOVERY_S", "30"))
IDLE_STREAMS = int(os.environ.get("BENCH_IDLE_STREAMS", "2000"))
IDLE_S = float(os.environ.get("BENCH_IDLE_S", "31"))
CPU_SAMPLES = int(os.environ.get("BENCH_CPU_SAMPLES", "20"))
RESULT = os.environ.get("BENCH_RESULT", "bench-results/push.json")
MAX_S = float(os.environ.get("BENCH_MAX_S", "900"))  # whatever happens, stop by then
SESSIONS = json.loads(
    Path(os.environ.get("BENCH_SESSIONS", "bench-results/sessions.json")).read_text()
)
SERVICE_CPUS = report.cpus_of(os.environ.get("BENCH_SERVICE_CPUS", "all"), os.cpu_count() or 1)
# gunicorn's pid files: its processes' memory for the idle streams.
APP_PIDFILES = os.environ.get("BENCH_APP_PIDFILES", "").split()
# ... and PostgreSQL's (postmaster.pid): with gunicorn's, the CPU per request.
PG_PIDFILE = os.environ.get("BENCH_PG_PIDFILE", "")
P95_TARGET_MS = 150
PHONES_PER_WORKSHOP = 10
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
DOTS_LEFT = re.compile(r'app-dots-left"><strong>(\d+)</strong>')
NOTES = ["Pairing helps", "Approvals are slow", "We demo every week", "Too many hand-offs"]
HTMX = {"HX-Request": "true"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SSE = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
STREAM_URL = re.compile(r'data-sse-connect="([^"]+)"')


def now() -> float:
    return time.monotonic()


# --- what the generator records ------------------------------------------------------


class Stats:
    """Per endpoint group: answer times (ms) of successes, errors (neither a
    success nor a 503 with Retry-After) and refusals (503 with Retry-After);
    the fan-out samples; stream counts."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.times: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.errors: dict[tuple[str, str], int] = defaultdict(int)
        self.refused: dict[tuple[str, str], int] = defaultdict(int)
        self.error_kinds: dict[str, int] = defaultdict(int)
        self.fanout: dict[str, list[float]] = defaultdict(list)
        self.missed: dict[str, int] = defaultdict(int)
        self.stream_drops = 0
        self.events = 0

    def ok(self, name, method, ms):
        self.times[name, method].append(ms)

    def error(self, name, method, kind):
        self.errors[name, method] += 1
        self.error_kinds[f"{name}: {kind}"] += 1

    def refusal(self, name, method):
        self.refused[name, method] += 1

    def groups(self, seconds: float) -> list[dict]:
        out = []
        for key in sorted(set(self.times) | set(self.errors) | set(self.refused)):
            times = sorted(self.times.get(key, []))
            requests = len(times) + self.errors.get(key, 0)
            out.append(
                {
                    "group": key[0],
                    "method": key[1],
                    "requests": requests,
                    "errors": self.errors.get(key, 0),
                    "refused": self.refused.get(key, 0),
                    "rps": round(requests / seconds, 1),
                    "p50_ms": report.percentile(times, 50),
                    "p95_ms": report.percentile(times, 95),
                    "p99_ms": report.percentile(times, 99),
                }
            )
        return out


STATS = Stats()
WATCHING: set[asyncio.Task] = set()  # fan-out watches and phones' fetches under way
STOP = asyncio.Event()  # set at the end: everyone leaves


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cores_busy() -> list[tuple[int, int]]:
    """(busy, total) jiffies per CPU from /proc/stat."""
    out = []
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("cpu") and line[3].isdigit():
            fields = [int(x) for x in line.split()[1:]]
            idle = fields[3] + fields[4]
            out.append((sum(fields) - idle, sum(fields)))
    return out


def busy_percent(before, after) -> list[float]:
    return [
        round(100 * (b1 - b0) / max(1, t1 - t0), 1)
        for (b0, t0), (b1, t1) in zip(before, after, strict=True)
    ]


def service_jiffies() -> int:
    cores = cores_busy()
    return sum(cores[c][0] for c in SERVICE_CPUS if c < len(cores))


JIFFY_MS = 1000 / os.sysconf("SC_CLK_TCK")


def process_tree(pidfiles: list[str]) -> set[int]:
    """The processes whose pids the files hold, and their children."""
    roots = []
    for pidfile in pidfiles:
        try:
            roots.append(int(Path(pidfile).read_text().split()[0]))
        except (OSError, ValueError, IndexError):
            pass
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, ValueError, IndexError):
            pass
    pids = {p for p in roots if p in parents}
    return pids | {p for p, parent in parents.items() if parent in pids}


def service_cpu_ns(pidfiles: list[str]) -> dict[str, int]:
    """CPU time each thread of the service's processes has used (ns), from
    the scheduler's counts: a request's own cost, unlike /proc/stat's 10 ms
    ticks, and nothing else the machine runs on the same core. Read afresh
    each time: PostgreSQL starts a backend per new connection."""
    out = {}
    postgres = process_tree([PG_PIDFILE]) if PG_PIDFILE in pidfiles else set()
    for pid in process_tree(pidfiles):
        try:
            tasks = list(Path(f"/proc/{pid}/task").glob("*/schedstat"))
        except OSError:
            continue  # it ended since the tree was read
        # PostgreSQL's threads are marked, so a page's share is told apart.
        mark = PG_MARK if pid in postgres else ""
        for task in tasks:
            try:
                out[mark + task.parent.name] = int(task.read_text().split()[0])
            except (OSError, ValueError, IndexError):
                pass
    return out


PG_MARK = "pg/"


def postgres_ms_between(before: dict[str, int], after: dict[str, int]) -> float:
    """PostgreSQL's part of `cpu_ms_between`."""
    return (
        sum(ns - before.get(tid, 0) for tid, ns in after.items() if tid.startswith(PG_MARK)) / 1e6
    )


def cpu_ms_between(before: dict[str, int], after: dict[str, int]) -> float:
    """What the threads used between two readings (a new thread from zero).
    A thread that ended in between took its count with it (see
    `ended_between`): the service keeps its threads, so none should."""
    return sum(ns - before.get(tid, 0) for tid, ns in after.items()) / 1e6


def ended_between(before: dict[str, int], after: dict[str, int]) -> bool:
    return any(tid not in after for tid in before)


def process_cpu_ms(pidfiles: list[str]) -> float:
    """CPU time of the service's processes in all, threads that ended
    included (/proc/<pid>/stat, in clock ticks): the check on the
    per-thread sums over a whole scenario."""
    total = 0
    for pid in process_tree(pidfiles):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            pass
    return total * JIFFY_MS


def service_rss_kb() -> int:
    """Resident memory of gunicorn's processes (each master and its workers)."""
    pids = process_tree(APP_PIDFILES)
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


# --- one person's browser ---------------------------------------------------------------


class Arrival:
    """When the latest event that matters arrived on a stream, and the
    posts waiting for the next one."""

    def __init__(self):
        self.last = -1.0
        self.waiters: list[asyncio.Future] = []

    def arrived(self, at: float) -> None:
        self.last = at
        for waiter in self.waiters:
            if not waiter.done():
                waiter.set_result(at)
        self.waiters.clear()

    def after(self, sent: float) -> asyncio.Future:
        """The first arrival at or after `sent` (perhaps already there)."""
        waiter = asyncio.get_running_loop().create_future()
        if self.last >= sent:
            waiter.set_result(self.last)
        else:
            self.waiters.append(waiter)
        return waiter


class Client:
    """A browser: its own cookies, requests named by group, one stream."""

    connector: aiohttp.TCPConnector | None = None
    count = 0  # users that finished warming up (joined, stream open)
    streams = 0  # streams open right now

    def __init__(self, session_key: str | None = None):
        jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1
        if session_key:
            jar.update_cookies({"sessionid": session_key}, Address(URL))
        self.http = aiohttp.ClientSession(
            URL,
            connector=Client.connector,
            connector_owner=False,
            cookie_jar=jar,
            read_bufsize=2**20,
            timeout=aiohttp.ClientTimeout(total=60, sock_connect=15),
        )
        self.stream_task: asyncio.Task | None = None
        self.connected = False  # its stream is open now
        self.ready = False
        self.csrf = ""

    def mark_ready(self):
        if not self.ready:
            self.ready = True
            Client.count += 1

    async def request(
        self, method, path, name, *, data=None, headers=None, params=None, redirects=True
    ):
        """(status, text, answered_at, sent_at) or None on an error; a 503 with
        Retry-After is waited out (with jitter) and asked again."""
        if data is not None:
            headers = {**FORM, **(headers or {})}
        while not STOP.is_set() and not self.http.closed:  # closed: the user left
            sent = now()
            try:
                async with self.http.request(
                    method, path, data=data, headers=headers, params=params,
                    allow_redirects=redirects,
                ) as r:  # fmt: skip
                    text = await r.text()
                    answered = now()
                    if r.status == 503 and "Retry-After" in r.headers:
                        STATS.refusal(name, method)
                        await backoff(r.headers["Retry-After"])
                        continue
                    if r.status >= 400:
                        STATS.error(name, method, str(r.status))
                        return None
                    STATS.ok(name, method, (answered - sent) * 1000)
                    return r.status, text, answered, sent
            except (aiohttp.ClientError, TimeoutError, ValueError) as e:
                if STOP.is_set():
                    return None
                STATS.error(name, method, type(e).__name__)
                return None
        return None

    async def post(self, path, data, name, htmx=True, redirects=True):
        headers = {"X-CSRFToken": self.csrf, **(HTMX if htmx else {})}
        return await self.request(
            "POST", path, name, data=data, headers=headers, redirects=redirects
        )

    def hold(self, path, name, on_event) -> None:
        """Open (or reopen) the stream, as a page's EventSource does."""
        if self.stream_task:
            self.stream_task.cancel()
        self.stream_task = asyncio.create_task(self._stream(path, name, on_event))

    async def _stream(self, path, name, on_event):
        """As EventSource: reconnect after the server's `retry` when a stream
        ends; stop when the handler says the page is done with it (a reload,
        a close) or the server answers 204 (nothing left to stream)."""
        retry = {"ms": 3000}
        try:
            while not STOP.is_set():
                opened = False
                sent = now()
                try:
                    async with self.http.get(
                        path,
                        headers=SSE,
                        allow_redirects=False,
                        timeout=aiohttp.ClientTimeout(total=None, sock_connect=15, sock_read=45),
                    ) as r:
                        if r.status == 503 and "Retry-After" in r.headers:
                            STATS.refusal(name, "GET")
                            await backoff(r.headers["Retry-After"])
                            continue
                        if r.status == 204:
                            STATS.ok(name, "GET", (now() - sent) * 1000)
                            self.mark_ready()
                            return
                        if r.status != 200 or not r.content_type.startswith("text/event-stream"):
                            STATS.error(name, "GET", f"{r.status} {r.content_type}")
                            await asyncio.sleep(random.uniform(2, 4))
                            continue
                        STATS.ok(name, "GET", (now() - sent) * 1000)
                        opened = self.connected = True
                        Client.streams += 1
                        self.mark_ready()
                        try:
                            if await read_events(r, on_event, retry):
                                return  # the page is done with this stream
                        finally:
                            Client.streams -= 1
                            self.connected = False
                except (aiohttp.ClientError, TimeoutError, ValueError) as e:
                    if STOP.is_set():
                        return
                    if not opened:  # could not open it
                        STATS.error(name, "GET", type(e).__name__)
                        await asyncio.sleep(random.uniform(2, 4))
                        continue
                if STOP.is_set():
                    return
                # The stream ended (the server closed it, or the connection broke):
                # EventSource reconnects after the server's `retry`.
                STATS.stream_drops += 1
                await asyncio.sleep(retry["ms"] / 1000)
        except asyncio.CancelledError:
            pass

    async def close(self):
        if self.stream_task:
            self.stream_task.cancel()
            await asyncio.gather(self.stream_task, return_exceptions=True)
        await self.http.close()


async def all_arrived(futures: list[asyncio.Future], timeout: float) -> list[float] | None:
    """The arrival times once every future has one, or None after `timeout`
    (the ones still waiting are dropped)."""
    if not futures:
        return []
    _, pending = await asyncio.wait(futures, timeout=timeout)
    for future in pending:
        future.cancel()
    return None if pending else [f.result() for f in futures]


async def backoff(retry_after: str) -> None:
    try:
        seconds = float(retry_after)
    except ValueError:
        seconds = 1.0
    await asyncio.sleep(max(0.2, seconds) * random.uniform(1.0, 2.0))


async def read_events(response, on_event, retry: dict) -> bool:
    """Parse text/event-stream as EventSource does; call on_event(kind, id,
    data, at) for each event but the pings. True when a handler said the
    page is done with the stream; False when the stream ended."""
    kind, event_id, data = "message", None, []
    async for raw in response.content:
        line = raw.decode().rstrip("\r\n")
        if not line:
            if kind not in ("ping", "message") or data:
                if kind != "ping":  # the heartbeat
                    STATS.events += 1
                    if await on_event(kind, event_id, "\n".join(data), now()):
                        return True
            kind, event_id, data = "message", None, []
            continue
        if line.startswith(":"):
            continue  # a comment (a heartbeat, too)
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "event":
            kind = value
        elif field == "id":
            event_id = value
        elif field == "data":
            data.append(value)
        elif field == "retry" and value.isdigit():
            retry["ms"] = int(value)
    return False


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
        heard = [p.arrival.after(sent) for p in self.phones]
        shown = [p.shown.after(sent) for p in self.phones]
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
    """A phone in the room: joins with the code (no account), holds the
    room's stream and fetches the room when an event carries a new key;
    votes, adds notes and places dots at the pace above."""

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
        self.fetching: asyncio.Task | None = None
        self.fetch_again = False
        self.defer = False  # the cpu scenario fetches the room outside its windows
        self.fetch_due = False

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
        if kind != "room" or data == self.key:
            return False
        self.arrival.arrived(at)
        if self.defer:
            self.fetch_due = True
        elif self.fetching and not self.fetching.done():
            self.fetch_again = True  # one more when this one is answered
        else:  # as htmx does: the fetch runs beside the stream, which reads on
            self.fetching = asyncio.create_task(self.fetch())
            WATCHING.add(self.fetching)
            self.fetching.add_done_callback(WATCHING.discard)
        return False

    async def fetch(self):
        self.fetch_due = False
        while True:
            self.fetch_again = False
            got = await self.request(
                "GET", f"/workshops/live/{self.room.code}/", "room fetch", headers=HTMX,
                params={"k": self.key},
            )  # fmt: skip
            if got and got[0] == 200:
                self.read(got[1])
                self.shown.arrived(got[2])
            if not self.fetch_again:
                return

    def read(self, html: str) -> None:
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
            left = DOTS_LEFT.search(html)
            self.dots_left = int(left.group(1)) if left else 0
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
        if got:
            self.read(got[1])
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
            self.read(got[1])
        return got

    async def dot(self):
        if self.dots_left > 0 or not self.my_dots:
            area, action = random.choice(self.dot_areas or ["0"]), "add"
            self.my_dots.append(area)
        else:
            area, action = self.my_dots.pop(random.randrange(len(self.my_dots))), "remove"
        got = await self.post(
            f"/workshops/live/{self.room.code}/dots/", {"area": area, "action": action}, "dot"
        )
        if got:
            self.read(got[1])
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
        self.revealed = False

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


def held(step: dict) -> bool:
    return (
        step["errors"] == 0
        and step["refused"] == 0
        and (step["worst_p95_ms"] or 0) <= P95_TARGET_MS
        and step["warmed_up"]
    )


async def scenario_start(load: Load) -> dict:
    window = Window(load, WORKSHOPS, warmed_up=False)
    phones = WORKSHOPS * PHONES_PER_WORKSHOP
    # The screens are up first; every phone in within 60 s (the last ~50 s in).
    spawn = asyncio.create_task(load.add_rooms(WORKSHOPS, phones / 50, screens_first=True))
    await asyncio.sleep(MEASURE_S)
    step = window.finish()
    spawn.cancel()
    return {"steps": [step]}


async def scenario_workshop(load: Load) -> dict:
    await load.add_rooms(WORKSHOPS, SPAWN_RATE)
    await load.add_others()
    warmed = await load.warm()
    await asyncio.sleep(WARMUP_S)
    window = Window(load, WORKSHOPS, warmed)
    await asyncio.sleep(MEASURE_S)
    return {"steps": [window.finish()]}


async def scenario_capacity(load: Load) -> dict:
    steps = []
    for workshops in STEPS:
        await load.add_rooms(workshops - len(load.rooms), SPAWN_RATE)
        warmed = await load.warm()
        await asyncio.sleep(WARMUP_S)
        window = Window(load, workshops, warmed)
        await asyncio.sleep(MEASURE_S)
        steps.append(window.finish())
        if not held(steps[-1]):
            break
    capacity = max((s["workshops"] for s in steps if held(s)), default=0)
    return {"steps": steps, "overload": await overload(load, capacity)}


async def overload(load: Load, capacity: int) -> dict:
    """Twice the workshops held, then back to them: every answer is a
    success or a 503 with Retry-After, and 30 s later every room is whole."""
    base = capacity or STEPS[0]
    target = 2 * base
    if target > len(SESSIONS["live"]) - FIRST:
        target = len(SESSIONS["live"]) - FIRST
    window = Window(load, target, warmed_up=False)
    await load.add_rooms(max(0, target - len(load.rooms)), SPAWN_RATE)
    await asyncio.sleep(MEASURE_S)
    during = window.finish()
    await load.drop_rooms(base)
    window = Window(load, base, warmed_up=False)
    await asyncio.sleep(RECOVERY_S)
    after = window.finish()
    rooms = await check_rooms(load.rooms)
    return {
        "workshops": target,
        "back_to": base,
        "recovery_s": RECOVERY_S,
        "during": {k: v for k, v in during.items() if k != "groups"},
        "during_groups": during["groups"],
        "after": {k: v for k, v in after.items() if k != "groups"},
        "rooms": len(rooms),
        "rooms_recovered": sum(rooms),
    }


async def check_rooms(rooms: list[Room]) -> list[bool]:
    """A room is whole when its screens and phones all hold their streams
    and every phone shows the room as it is now (its fetch answers 204)."""
    out = []
    for room in rooms:
        users = room.everyone()
        for screen in (room.facilitator, room.presenter):
            if screen and screen.reloading:  # a reload under way ends first
                await asyncio.gather(screen.reloading, return_exceptions=True)
        streaming = all(u.connected for u in users)
        current = True
        for phone in room.phones:
            got = await phone.request(
                "GET", f"/workshops/live/{room.code}/", "recovery check", headers=HTMX,
                params={"k": phone.key},
            )  # fmt: skip
            current = current and bool(got) and got[0] == 204
        out.append(streaming and current)
    return out


async def scenario_idle(load: Load) -> dict:
    """IDLE_STREAMS phones in idle rooms: memory before and after their streams open."""
    rooms = [Room(FIRST + i) for i in range(-(-IDLE_STREAMS // PHONES_PER_WORKSHOP))]
    phones = [
        Phone(room, room.index * 100 + n, active=False)
        for room in rooms
        for n in range(PHONES_PER_WORKSHOP)
    ][:IDLE_STREAMS]
    load.clients.extend(phones)
    sem = asyncio.Semaphore(20)

    async def join(phone):
        async with sem:
            await phone.join()

    await asyncio.gather(*(join(p) for p in phones))
    joined = sum(bool(p.key) for p in phones)
    await asyncio.sleep(3)
    rss_before = service_rss_kb()
    quiet = Window(load, 0)
    await asyncio.sleep(min(10.0, IDLE_S))
    without = quiet.finish()
    for i, phone in enumerate(phones):
        phone.open_stream()
        if i % 50 == 49:
            await asyncio.sleep(1 / max(1, SPAWN_RATE / 50))
    began = now()
    while Client.streams < joined and now() - began < 120:
        await asyncio.sleep(0.2)
    await asyncio.sleep(5)  # settle
    window = Window(load, 0)
    await asyncio.sleep(IDLE_S)
    held_streams = window.finish()
    rss_after = service_rss_kb()
    return {
        "streams": Client.streams,
        "joined": joined,
        "measured_s": held_streams["measured_s"],
        "rss_before_kb": rss_before,
        "rss_after_kb": rss_after,
        "without_streams": {k: without[k] for k in ("measured_s", "cpu_busy_percent")},
        "with_streams": {k: v for k, v in held_streams.items() if k not in ("fanout",)},
    }


def cpu_meter():
    """(pidfiles, method, reading, spent): how the CPU tables read the
    service's CPU, `spent(before, after)` in ms between two `reading()`s."""
    pidfiles = [*APP_PIDFILES, PG_PIDFILE] if PG_PIDFILE else []
    if pidfiles:  # the service's own processes, to the nanosecond
        method = "the service's processes' CPU time (gunicorn and PostgreSQL, /proc schedstat)"

        def reading():
            return service_cpu_ns(pidfiles)

        def spent(before, after) -> float:
            return cpu_ms_between(before, after)

    else:  # the service cores' busy time (10 ms ticks; the mean of many windows)
        method = "the service CPUs' busy time (/proc/stat)"

        def reading():
            return service_jiffies()

        def spent(before, after) -> float:
            return (after - before) * JIFFY_MS

    return pidfiles, method, reading, spent


async def scenario_cpu(load: Load) -> dict:
    """CPU per request, one at a time, on a service doing nothing else, in
    rooms whose screens and phones hold their streams: the service CPUs'
    busy time from just before the request until the events it causes have
    reached the room's streams, less the idle background over the same
    time. The phones' fetches that follow a new key are measured on their
    own ("room fetch"), and so is the page a step's answer redirects to
    ("facilitator screen")."""
    live = SESSIONS["live"]
    indices = range(FIRST, len(live))
    areas_rooms = [Room(i) for i in indices if i % 5 != 4][:3]
    dots_room = next(Room(i) for i in indices if i % 5 == 4)
    rooms = [*areas_rooms, dots_room]
    samples: dict[str, list[tuple[float, float]]] = defaultdict(list)
    pidfiles, method, reading, spent = cpu_meter()
    ended: dict[str, int] = defaultdict(int)

    async def window(kind, action, arrivals=()):
        """One request's window; `arrivals`: the streams whose event ends it."""
        await asyncio.sleep(0.05)
        j0, t0 = reading(), now()
        got = await action()
        if got and arrivals:
            await all_arrived([a.after(got[3]) for a in arrivals], 0.5)
        await asyncio.sleep(0.02)
        j1 = reading()
        samples[kind].append((spent(j0, j1), now() - t0))
        if pidfiles and ended_between(j0, j1):
            ended[kind] += 1  # what that thread used is missing from the sample
        return got

    async def measure(kind, room, action, phones=False):
        arrivals = [room.facilitator.arrival] + ([p.arrival for p in room.phones] if phones else [])
        got = await window(kind, action, arrivals)
        for phone in room.phones:
            if phone.fetch_due:
                await window("room fetch", phone.fetch)
        return got

    whole = (reading(), process_cpu_ms(pidfiles)) if pidfiles else None
    for room in rooms:
        room.facilitator = Screen(room, active=False)
        room.presenter = Screen(room, presenter=True, active=False)
        for screen in (room.facilitator, room.presenter):
            load.clients.append(screen)
            await screen.load()

    async def background() -> float:
        """What the service spends doing nothing but hold the streams, in
        ms of a core a second."""
        await asyncio.sleep(2)
        j0, t0 = reading(), now()
        await asyncio.sleep(5)
        return spent(j0, reading()) / (now() - t0)

    for room in rooms:
        for n in range(PHONES_PER_WORKSHOP):
            phone = Phone(room, 90000 + room.index * 100 + n, active=False)
            phone.defer = True
            load.clients.append(phone)
            room.phones.append(phone)
            page = await phone.request("GET", f"/workshops/join/{room.code}/", "join page")
            found = CSRF.search(page[1]) if page else None
            phone.csrf = found.group(1) if found else ""
            await measure("join", room, lambda p=phone, r=room: join_post(p, r))
            phone.open_stream()
            await asyncio.sleep(0.1)
    await asyncio.sleep(1)
    for phone in (p for r in rooms for p in r.phones):
        if phone.fetch_due:
            await phone.fetch()
    idle = [await background()]  # every stream held
    # The areas: votes, notes, autosaves, the reveal, the notes shown, the next area.
    for _ in range(8):
        for room in areas_rooms:
            screen = room.facilitator
            if screen.choosing or screen.area is None:
                continue
            for phone in room.phones:
                if phone.area and len(samples["vote"]) < 2 * CPU_SAMPLES:
                    await measure("vote", room, phone.vote)
                if phone.area and len(samples["note"]) < CPU_SAMPLES:
                    await measure("note", room, phone.note)
            for _ in range(3):
                if len(samples["autosave"]) < CPU_SAMPLES:
                    await measure("autosave", room, screen.notes_autosave)
            await measure("reveal", room, lambda s=screen: s.reveal(notes=False), phones=True)
            await measure("notes shown", room, screen.show_notes, phones=True)
            await measure(
                "next area", room, lambda s=screen: s.next_step(follow=False), phones=True
            )
            await window("facilitator screen", screen.load)
        enough = all(len(samples[k]) >= CPU_SAMPLES for k in ("vote", "note", "autosave"))
        if enough and len(samples["next area"]) >= CPU_SAMPLES // 2:
            break
    for _ in range(4):
        for phone in dots_room.phones:
            if phone.choosing and len(samples["dot"]) < CPU_SAMPLES:
                await measure("dot", dots_room, phone.dot)
    idle.append(await background())
    idle_ms_s = sum(idle) / len(idle)
    if whole:  # the threads' counts against the processes' own, over it all
        threads_ms = spent(whole[0], reading())
        process_ms = process_cpu_ms(pidfiles) - whole[1]
        accounted = {
            "threads_ms": round(threads_ms),
            "processes_ms": round(process_ms),
            "windows_with_ended_threads": dict(ended),
        }
    else:
        accounted = None
    return {
        "accounted": accounted,
        "background_ms_per_s": round(idle_ms_s, 2),
        "background_readings": [round(b, 2) for b in idle],
        "method": method,
        "samples": {k: [[round(c, 1), round(s, 4)] for c, s in v] for k, v in samples.items()},
        "per_request": report.cpu_per_request(samples, idle_ms_s),
        "errors": dict(STATS.error_kinds),
    }


class Statements:
    """The statements the service sends PostgreSQL, counted by
    pg_stat_statements in the bench's own PostgreSQL (bench/run.sh loads it
    with tracking off, so the other scenarios pay nothing for it): top-level
    SELECT, INSERT, UPDATE and DELETE, not BEGIN, COMMIT, SAVEPOINT or SET.
    Counting costs PostgreSQL a few µs a statement
    (measured: 4 µs, within the noise), under 0.1 ms for any page here.
    Nothing counted (None) when the extension is not there."""

    def __init__(self):
        self.db: psycopg.AsyncConnection | None = None

    async def track(self, on: bool) -> None:
        """Count from now on (or stop). The settings are the server's, read
        by the service's connections before their next statement."""
        if self.db is None and on:
            try:
                self.db = await psycopg.AsyncConnection.connect(
                    os.environ["DATABASE_URL"], autocommit=True
                )
                await self.db.execute("select from pg_stat_statements limit 0")
            except (KeyError, psycopg.Error) as error:
                print(f"Queries not counted: {error}", file=sys.stderr)
                self.db = None
        if self.db is None:
            return
        await self.db.execute(
            f"alter system set pg_stat_statements.track = {'top' if on else 'none'}"
        )
        await self.db.execute("select pg_reload_conf()")
        await asyncio.sleep(0.5)  # every backend has its signal before the next request
        if not on:
            await self.db.close()
            self.db = None

    async def reset(self) -> None:
        if self.db:
            await self.db.execute("select pg_stat_statements_reset()")

    async def count(self) -> int | None:
        """Statements since the reset in the service's database, except
        this class's own."""
        if self.db is None:
            return None
        cursor = await self.db.execute(
            "select coalesce(sum(calls), 0) from pg_stat_statements"
            " where dbid = (select oid from pg_database where datname = current_database())"
            " and query not like '%pg_stat_statements%'"
        )
        return int((await cursor.fetchone())[0])


PAGE_SAMPLES = int(os.environ.get("BENCH_PAGE_SAMPLES", "30"))
PAGES = os.environ.get("BENCH_PAGES", "all")  # "playbook": its rows only (the second size)
LINK = {
    "experiment": re.compile(r'href="(/experiments/\d+/)"'),
    "summary": re.compile(r'href="(/workshops/\d+/summary/)"'),
    "entry": re.compile(r'href="(/playbook/entry-[\w-]+/)"'),
    "model": re.compile(r'href="(/model/[\w-]+/)"'),
    "area": re.compile(r'<option value="([\w-]+\.[\w-]+)"'),
}


async def scenario_pages(load: Load) -> dict:
    """Every page a person reads, one request at a time on a service doing
    nothing else: the CPU the service's processes and PostgreSQL spent on
    each (median and p95 of PAGE_SAMPLES), after three unmeasured requests,
    so a page that keeps what it draws (core/kept.py) is measured as
    everyone after its first reader gets it; and the statements those
    measured requests sent PostgreSQL, a request (`Statements`)."""
    _, method, reading, spent = cpu_meter()
    member_session = SESSIONS["members"][0]
    live = SESSIONS["live"][FIRST]
    people = {"member": Client(member_session["session"]), "facilitator": Client(live["session"])}
    load.clients.extend(people.values())
    statements = Statements()
    rows: list[dict] = []

    async def measure(name: str, who: str, path: str, **extra) -> str:
        client = people[who]
        got = None
        for _ in range(3):  # unmeasured: drawn, kept, connections warm
            got = await client.request("GET", path, name)
        if not got:
            rows.append({"page": name, "path": path, "as": who, "error": True, **extra})
            return ""
        samples, in_postgres = [], []
        await statements.reset()
        for _ in range(PAGE_SAMPLES):
            await asyncio.sleep(0.02)
            j0, t0 = reading(), now()
            got = await client.request("GET", path, name) or got
            j1 = reading()
            samples.append(max(0.0, spent(j0, j1) - background * (now() - t0)))
            if isinstance(j0, dict):
                in_postgres.append(postgres_ms_between(j0, j1))
        sent = await statements.count()
        rows.append(
            {
                "page": name, "path": path, "as": who, "bytes": len(got[1].encode()),
                "median_ms": report.percentile(samples, 50),
                "p95_ms": report.percentile(samples, 95),
                "postgres_ms": report.percentile(in_postgres, 50) if in_postgres else None,
                "queries": None if sent is None else round(sent / PAGE_SAMPLES, 1),
                **extra,
            }
        )  # fmt: skip
        return got[1]

    await statements.track(True)
    await asyncio.sleep(1)
    j0, t0 = reading(), now()
    await asyncio.sleep(3)
    background = spent(j0, reading()) / (now() - t0)  # ms a second, doing nothing
    try:
        await measure("baseline (constant)", "member", "/bench/baseline")
        baseline = rows.pop()
        default_model = await _playbook_pages(measure)
        if PAGES != "playbook":
            await _other_pages(measure, people, load, member_session, live, default_model)
    finally:
        await statements.track(False)
    base = baseline.get("median_ms") or 0
    for row in rows:
        if "median_ms" in row and base:
            row["ratio"] = round(row["median_ms"] / base, 1)
    return {
        "entries": int(os.environ.get("BENCH_ENTRIES_NOW", ENTRIES)),
        "baseline_ms": base,
        "baseline_queries": baseline.get("queries"),
        "background_ms_per_s": round(background, 2),
        "method": method,
        "samples_per_page": PAGE_SAMPLES,
        "rows": rows,
        "errors": dict(STATS.error_kinds),
    }


async def _playbook_pages(measure) -> str:
    """The playbook's pages: the rows measured again at its second size.
    Returns the default model's key (its areas are the filter's first)."""
    playbook = await measure("playbook list", "member", "/playbook/")
    await measure("playbook list, page 2", "member", "/playbook/?page=2")
    area = LINK["area"].search(playbook)
    model = area[1].split(".")[0] if area else ""
    if area:
        await measure("playbook, one area", "member", f"/playbook/?area={area[1]}")
        await measure("playbook, one model", "member", f"/playbook/?model={model}")
    await measure("playbook, one result", "member", "/playbook/?result=supported")
    await measure("playbook search, a word", "member", "/playbook/?q=pairing")
    await measure("playbook search, words", "member", "/playbook/?q=user+research+rollback")
    # A bare area key, as links from before there were several models have.
    await measure("playbook search in one area", "member", "/playbook/?q=releases&area=delivery")
    entry = LINK["entry"].search(playbook)
    if entry:
        await measure("playbook entry", "member", entry[1])
    return model


async def _other_pages(measure, people, load, member_session, live, default_model) -> None:
    """Every other page, the facilitator's screen last: it moves the room on."""
    await measure("home", "member", "/")
    team = f"/teams/bench-team-{member_session['team']:03d}/"
    team_page = await measure("team page", "member", team)
    await measure("team export, CSV", "member", team + "history.csv")
    await measure("team export, JSON", "member", team + "history.json")
    for kind in ("experiment", "summary"):
        found = LINK[kind].search(team_page)
        if found:
            name = "experiment" if kind == "experiment" else "summary of a past workshop"
            await measure(name, "member", found[1])
    model_page = await measure("model page (the default)", "member", "/model/")
    # /model/ links to the other models; the default has an address of its own too.
    paths = set(LINK["model"].findall(model_page))
    if default_model:
        paths.add(f"/model/{default_model}/")
    for path in sorted(paths):
        await measure(f"model page {path.split('/')[2]}", "member", path)
    await measure("workshop list", "facilitator", "/workshops/")

    # A phone in the room, then the facilitator's screen at every step.
    workshop = f"/workshops/{live['workshop']}/"
    phone = Client()
    load.clients.append(phone)
    got = await phone.request("GET", f"/workshops/join/{live['code']}/", "join page")
    found = CSRF.search(got[1]) if got else None
    phone.csrf = found[1] if found else ""
    data = {"code": live["code"], "display_name": "Bench phone"}
    if await phone.post("/workshops/join/", data, "join", htmx=False):
        people["phone"] = phone
        await measure("phone's page", "phone", f"/workshops/live/{live['code']}/")
    await measure("presenter mode", "facilitator", workshop + "screen/")
    got = await people["facilitator"].request("GET", workshop, "facilitator's screen")
    screen = got[1] if got else ""
    token = CSRF_HEADER.search(screen)
    people["facilitator"].csrf = token[1] if token else ""
    counted = AREA_COUNT.search(screen)
    areas = int(counted[2]) if counted else 0
    labels = ["opening", *(f"area {n}" for n in range(1, areas + 1))]
    labels += ["choose an area", "the experiment", "summary"]
    for step, label in enumerate(labels):
        await people["facilitator"].post(workshop + "step/", {"step": step}, "step")
        await measure(f"facilitator's screen: {label}", "facilitator", workshop, step=step)


async def join_post(phone: Phone, room: Room):
    got = await phone.post(
        "/workshops/join/", {"code": room.code, "display_name": f"Phone {phone.n}"}, "join", False
    )
    if got:
        header = CSRF_HEADER.search(got[1])
        phone.csrf = header.group(1) if header else phone.csrf
        phone.read(got[1])
    return got


SCENARIOS = {
    "start": scenario_start,
    "workshop": scenario_workshop,
    "capacity": scenario_capacity,
    "idle": scenario_idle,
    "cpu": scenario_cpu,
    "pages": scenario_pages,
}


async def main() -> int:
    Client.connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=3, force_close=False)
    load = Load()
    began_cpu = cpu_seconds()
    result: dict = {"scenario": SCENARIO}
    try:
        result.update(await asyncio.wait_for(SCENARIOS[SCENARIO](load), MAX_S))
    except TimeoutError:
        result["timed_out"] = True
    finally:
        await load.close()
        await Client.connector.close()
    result["generator_cpu_s"] = round(cpu_seconds() - began_cpu, 1)
    Path(RESULT).write_text(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
