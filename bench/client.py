"""The HTTP and event-stream client every scenario of `make bench` shares
(bench/run.sh runs one file a scenario: start.py, workshop.py, idle.py,
cpu.py, pages.py, capacity.py, streams.py): one asyncio process on aiohttp,
pinned to the load core, headless, against 127.0.0.1 only, stopping by
itself (bench.json reports its own CPU). Every phone, facilitator's screen
and presenter screen holds one server-sent event stream and makes no poll;
a coroutine and an idle socket per stream is what lets one core hold
thousands of them.

Each request is named after its endpoint group (bench/report.py prints a
row per group). A 503 with Retry-After is a refusal, not an error: the
client waits what it was told, with jitter, and asks again.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import resource
import time
from collections import defaultdict
from pathlib import Path

import aiohttp
import report  # bench/report.py: the percentiles, one definition
from yarl import URL as Address

URL = os.environ.get("BENCH_URL", "http://127.0.0.1:8000")
FIRST = int(os.environ.get("BENCH_FIRST", "0"))  # this scenario's first live workshop
WORKSHOPS = int(os.environ.get("BENCH_WORKSHOPS", "50"))
WARMUP_S = float(os.environ.get("BENCH_WARMUP_S", "5"))
MEASURE_S = float(os.environ.get("BENCH_MEASURE_S", "60"))
SPAWN_RATE = float(os.environ.get("BENCH_SPAWN_RATE", "100"))
RESULT = os.environ.get("BENCH_RESULT", "bench-results/push.json")
MAX_S = float(os.environ.get("BENCH_MAX_S", "900"))  # whatever happens, stop by then
SESSIONS = json.loads(
    Path(os.environ.get("BENCH_SESSIONS", "bench-results/sessions.json")).read_text()
)
PHONES_PER_WORKSHOP = 10

HTMX = {"HX-Request": "true"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SSE = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}


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
        self.connected_at = float("inf")  # since when (the latest opening)
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
        Retry-After is waited out (with jitter) and asked again. A post answered
        with a redirect whose page was refused (busy) has made its change:
        only that page is asked for again, as a person reloading it would,
        and `sent_at` stays when the post was sent."""
        if data is not None:
            headers = {**FORM, **(headers or {})}
        posted = None  # when the post that was done was sent
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
                        if r.history and posted is None:  # the post was done; its page refused
                            posted = sent
                            method, path, data, params = "GET", r.url.path_qs, None, None
                            headers = {k: v for k, v in (headers or {}).items() if k not in FORM}
                        await backoff(r.headers["Retry-After"])
                        continue
                    if r.status >= 400:
                        STATS.error(name, method, str(r.status))
                        return None
                    STATS.ok(name, method, (answered - sent) * 1000)
                    return r.status, text, answered, posted or sent
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
                        self.connected_at = now()
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
