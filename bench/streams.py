"""`streams`: what an open stream costs one service process, and how that
process answers a flood of new ones. In the rooms bench/seed.py joins ten
phones to (BENCH_STREAM_ROOMS of them), a room's streams are its
facilitator's screen's and its ten phones'.

1. Held idle: BENCH_STREAMS_IDLE streams (10,000), opened at
   BENCH_STREAMS_RATE a second (200), and nothing else; one refused while
   they open is opened again after its Retry-After, as its page would (at
   most three times). Before them (after a warm-up: the same wave opened
   and closed, so the pools have started their threads and the process
   has held that many streams once), while they are held and
   BENCH_STREAMS_AFTER_S (20) after they close: the workers' threads
   (/proc/<pid>/status `Threads`) and resident memory (`VmRSS`). While they
   are held, over BENCH_STREAMS_HOLD_S (31 s, two heartbeats): gunicorn's
   CPU (utime + stime, /proc/<pid>/stat), the service CPUs' busy share
   (/proc/stat), and each stream's heartbeat: the gap between one thing it
   heard and the next (and, at the end, since the last).
2. The flood: BENCH_STREAMS_FLOOD openings (20,000) spread evenly over
   BENCH_STREAMS_FLOOD_S (30 s), the same screens and phones again (a
   second tab). Each is held (200 and its first event) or refused (503
   with Retry-After), and timed from its connection until it was told; one
   not told within BENCH_STREAMS_WAIT_S (30 s) had no answer at all. The
   ones held stay open until every opening has its answer. Before it, a
   room on an area opens its streams (its facilitator's screen, presenter
   screen and ten phones); at 40%, 50% and 60% of the flood (or once the
   vote before has reached the screens) a phone there votes, and each
   vote's way to the room's screens (the next `live` event on each after
   the post was sent) is timed from the post's sending (what the room
   sees) and from its answer (as the other scenarios time a fan-out).
   A phone's screen shows no count of votes: its stream has nothing to
   say about another phone's vote.

A lean client: a bare asyncio connection and a task a stream (no aiohttp
session), so the load core holds tens of thousands; its open-files limit
is raised to the hard limit.
"""

from __future__ import annotations

import asyncio
import errno
import os
import random
import resource
import sys
from collections import Counter
from urllib.parse import urlsplit

import report
from client import SESSIONS, STATS, URL, Arrival, Client, now
from people import AREA_INPUT, CSRF_HEADER, LEVEL_BUTTON, Load, run
from service import (
    SERVICE_CPUS,
    busy_percent,
    cores_busy,
    pids_cpu_ms,
    status_total,
    worker_pids,
)

IDLE = int(os.environ.get("BENCH_STREAMS_IDLE", "10000"))
FLOOD = int(os.environ.get("BENCH_STREAMS_FLOOD", "20000"))
FLOOD_S = float(os.environ.get("BENCH_STREAMS_FLOOD_S", "30"))
RATE = float(os.environ.get("BENCH_STREAMS_RATE", "200"))
HOLD_S = float(os.environ.get("BENCH_STREAMS_HOLD_S", "31"))
AFTER_S = float(os.environ.get("BENCH_STREAMS_AFTER_S", "20"))
WAIT_S = float(os.environ.get("BENCH_STREAMS_WAIT_S", "30"))
RETRIES = 3  # a refused idle stream opens again after Retry-After, at most this often
VOTES_AT = (0.4, 0.5, 0.6)  # of the flood's time
FANOUT_WAIT_S = 10  # a vote not on a screen by then is counted as missed
ANSWER_TARGET_S = 1.0
HEARTBEAT_SLACK_S = 1.0  # a gap longer than the heartbeat and this is late
ADDRESS = urlsplit(URL)


# --- one stream on a bare connection ------------------------------------------------------


class Stream:
    """One stream, as a page's EventSource opens it, on its own connection:
    its answer (status, when it was told), then everything it hears until
    it is closed."""

    __slots__ = (
        "path", "cookie", "sent", "status", "told", "error", "heard", "writer", "arrival",
        "retry_after",
    )  # fmt: skip
    gaps: list[float] | None = None  # while the heartbeat is watched: every gap heard
    heartbeat_s: float | None = None  # as the pings say

    def __init__(self, path: str, cookie: str, arrival: Arrival | None = None):
        self.path, self.cookie, self.arrival = path, cookie, arrival
        self.sent = self.told = self.heard = None
        self.status: int | None = None
        self.error: str | None = None
        self.retry_after = 0.0
        self.writer: asyncio.StreamWriter | None = None

    @property
    def held(self) -> bool:
        return self.status == 200 and self.told is not None

    @property
    def refused(self) -> bool:
        return self.error is None and self.status == 503 and self.told is not None

    def answer_ms(self) -> float | None:
        return None if self.told is None else (self.told - self.sent) * 1000

    async def run(self) -> None:
        """Open, wait for the answer (at most WAIT_S), then listen until
        the stream ends or the task is cancelled (the page closes)."""
        self.sent = now()
        try:
            try:
                events = await asyncio.wait_for(self._answer(), WAIT_S)
            except TimeoutError:
                self.error = "no answer" if self.status is None else f"{self.status}, no event"
                return
            if events is not None:
                await self._listen(events)
        except asyncio.CancelledError:
            pass
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as error:
            if self.told is None:
                code = getattr(error, "errno", None)
                self.error = errno.errorcode.get(code, type(error).__name__)
        finally:
            if self.writer:
                self.writer.close()

    async def _answer(self):
        """The events to come (None when the answer was not a stream)."""
        reader, self.writer = await asyncio.open_connection(ADDRESS.hostname, ADDRESS.port)
        self.writer.write(
            f"GET {self.path} HTTP/1.1\r\nHost: {ADDRESS.netloc}\r\n"
            "Accept: text/event-stream\r\nCache-Control: no-cache\r\n"
            f"Cookie: sessionid={self.cookie}\r\n\r\n".encode()
        )
        status = int((await reader.readline()).split(None, 2)[1])
        headers = {}
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        self.status = status
        if status != 200:
            self.told = now()
            self.retry_after = float(headers.get("retry-after", "0") or 0)
            if status != 503 or "retry-after" not in headers:
                self.error = f"{status}" + (" without Retry-After" if status == 503 else "")
            return None
        events = read_events(reader, "chunked" in headers.get("transfer-encoding", ""))
        async for kind, _ in events:  # the first event: it is held
            self.heard = self.told = now()
            self._heard(kind, self.told)
            return events
        self.error = "ended before an event"
        return None

    async def _listen(self, events) -> None:
        async for kind, data in events:
            at = now()
            if kind == "ping" and Stream.heartbeat_s is None and data.isdigit():
                Stream.heartbeat_s = float(data)
            if Stream.gaps is not None:
                Stream.gaps.append(at - self.heard)
            self.heard = at
            if self._heard(kind, at):
                return

    def _heard(self, kind: str, at: float) -> bool:
        """True when the page would stop listening (a reload, a close)."""
        if kind == "live" and self.arrival:
            self.arrival.arrived(at)
        return kind in ("reload", "close")


async def read_events(reader: asyncio.StreamReader, chunked: bool):
    """(kind, data) of each event of text/event-stream, the pings included;
    a block with neither an event nor data (the `retry`) is none."""
    buffer = b""
    while True:
        if chunked:
            size = int((await reader.readline()).split(b";")[0], 16)
            if size == 0:
                return
            buffer += (await reader.readexactly(size + 2))[:-2]
        else:
            data = await reader.read(65536)
            if not data:
                return
            buffer += data
        while b"\n\n" in buffer:
            block, buffer = buffer.split(b"\n\n", 1)
            kind, data = None, []
            for line in block.decode().splitlines():
                field, _, value = line.partition(":")
                if field == "event":
                    kind = value.strip()
                elif field == "data":
                    data.append(value[1:] if value.startswith(" ") else value)
            if kind or data:
                yield kind or "message", "\n".join(data)


async def hold(streams: list[Stream], rate: float | None = None) -> list[asyncio.Task]:
    """Open the streams (at `rate` a second, or all at once)."""
    tasks = []
    began = now()
    for i, stream in enumerate(streams):
        tasks.append(asyncio.create_task(stream.run()))
        if rate:
            await asyncio.sleep(max(0.0, began + (i + 1) / rate - now()))
    return tasks


async def answered(streams: list[Stream]) -> None:
    """Until every stream was told or gave up (each waits WAIT_S at most)."""
    while any(s.told is None and s.error is None for s in streams):
        await asyncio.sleep(0.2)


async def close(tasks: list[asyncio.Task]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


# --- what the service holds ----------------------------------------------------------------


class Sampler:
    """The workers' threads and resident memory, read twice a second: the
    latest and the most while it runs."""

    def __init__(self):
        self.threads = self.threads_max = self.rss_kb = self.rss_max_kb = 0
        self.task = asyncio.create_task(self._run())

    def read(self) -> tuple[int, int]:
        pids = worker_pids()
        self.threads, self.rss_kb = status_total(pids, "Threads"), status_total(pids, "VmRSS")
        self.threads_max = max(self.threads_max, self.threads)
        self.rss_max_kb = max(self.rss_max_kb, self.rss_kb)
        return self.threads, self.rss_kb

    async def _run(self):
        while True:
            self.read()
            await asyncio.sleep(0.5)

    async def stop(self) -> tuple[int, int]:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        return self.read()


def raise_open_files() -> list[int]:
    """As many sockets as the system lets this process have."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 1 << 20
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < IDLE + 100:
        print(f"Open files limited to {soft}: fewer streams than asked", file=sys.stderr)
    return [soft, hard]


def seeded() -> list[tuple[str, str]]:
    """(path, session key) of every seeded room's streams, room by room:
    the facilitator's screen's, then its ten phones'."""
    rooms: dict[int, list[dict]] = {}
    for phone in SESSIONS.get("phones", []):
        rooms.setdefault(phone["room"], []).append(phone)
    out = []
    for index, phones in rooms.items():
        live = SESSIONS["live"][index]
        out.append((f"/workshops/{live['workshop']}/events/?s={live['step']}", live["session"]))
        out.extend((f"/workshops/live/{p['code']}/events/", p["session"]) for p in phones)
    return out


def spread(values: list[float]) -> dict:
    return {
        "samples": len(values),
        "p50": report.percentile(values, 50),
        "p95": report.percentile(values, 95),
        "p99": report.percentile(values, 99),
        "max": round(max(values), 1) if values else 0,
    }


def answers(streams: list[Stream]) -> dict:
    """How the streams were answered: held, refused, neither (by kind)."""
    errors = Counter(s.error for s in streams if s.error)
    return {
        "asked": len(streams),
        "held": sum(s.held for s in streams),
        "refused": sum(s.refused for s in streams),
        "errors": sum(errors.values()) - errors["no answer"],
        "no_answer": errors["no answer"],
        # The generator could not open a socket: its limit, not the service's.
        "not_sent": errors["EMFILE"] + errors["ENFILE"],
        "error_kinds": dict(errors),
    }


# --- the scenario ---------------------------------------------------------------------------


async def scenario_streams(load: Load) -> dict:
    nofile = raise_open_files()
    paths = seeded()
    if not paths:
        return {"error": "no seeded phones (bench/seed.py BENCH_STREAM_ROOMS)"}
    warm = await warm_up(paths)
    idle = await held_idle(paths)
    flood = await flood_of(paths)
    return {
        "nofile": nofile,
        "workers": len(worker_pids()),
        "warm_up": warm,
        "idle": idle,
        "flood": flood,
        "generator_max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


async def warm_up(paths: list[tuple[str, str]]) -> dict:
    """The same wave as the measured one, opened and closed first. A process
    that never held that many streams keeps about 10% more memory after its
    first wave (the tables and buffers that grew to hold them); after the
    second and third waves it kept 1% and 0.2% more (2026-12-05). Measured
    from a warm process, the figures are a wave's, not the first one's."""
    sampler = Sampler()
    _, rss_before = sampler.read()
    streams = [Stream(*paths[i % len(paths)]) for i in range(IDLE)]
    tasks = await hold(streams, RATE)
    await answered(streams)
    _, rss_held = sampler.read()
    await close(tasks)
    await asyncio.sleep(AFTER_S)
    _, rss_after = await sampler.stop()
    return {
        **answers(streams),
        "rss_before_kb": rss_before,
        "rss_held_kb": rss_held,
        "rss_after_kb": rss_after,
    }


async def held_idle(paths: list[tuple[str, str]]) -> dict:
    sampler = Sampler()
    threads_before, rss_before = sampler.read()
    sampler.threads_max = threads_before
    streams = [Stream(*paths[i % len(paths)]) for i in range(IDLE)]
    began = now()
    tasks = await hold(streams, RATE)
    await answered(streams)
    # A page whose stream was refused while they opened (a late loop, too
    # many opening at once) polls, and opens it again after Retry-After.
    # Each after its own Retry-After, spread as the service asks (not all
    # at once: the ones refused together would be refused together again).
    refused_first = sum(s.refused for s in streams)

    async def reopen(i: int) -> None:
        for _ in range(RETRIES):
            if not streams[i].refused:
                return
            await asyncio.sleep(streams[i].retry_after * random.uniform(1, 2))
            streams[i] = Stream(streams[i].path, streams[i].cookie)
            tasks[i] = asyncio.create_task(streams[i].run())
            await answered([streams[i]])

    await asyncio.gather(*(reopen(i) for i, s in enumerate(streams) if s.refused))
    opened_s = now() - began
    await asyncio.sleep(5)  # settle
    threads_held_first = sampler.read()[0]
    Stream.gaps = []
    j0, c0, t0 = cores_busy(), pids_cpu_ms(worker_pids()), now()
    await asyncio.sleep(HOLD_S)
    held_s = now() - t0
    cpu_ms = pids_cpu_ms(worker_pids()) - c0
    cores = busy_percent(j0, cores_busy())
    threads_held, rss_held = sampler.read()
    threads_held_max = sampler.threads_max
    gaps, Stream.gaps = Stream.gaps, None
    at = now()
    holding = [s for s, task in zip(streams, tasks, strict=True) if s.held and not task.done()]
    silent = [at - s.heard for s in holding]
    heartbeat = Stream.heartbeat_s or float(os.environ.get("LIVE_HEARTBEAT_SECONDS", "15"))
    late = sum(g > heartbeat + HEARTBEAT_SLACK_S for g in [*gaps, *silent])
    await close(tasks)
    await asyncio.sleep(AFTER_S)
    threads_after, rss_after = await sampler.stop()
    return {
        **answers(streams),
        "refused_first": refused_first,
        "open_s": round(opened_s, 1),
        "open_ms": spread([s.answer_ms() for s in streams if s.told]),
        "held_at_end": len(holding),
        "dropped": sum(s.held for s in streams) - len(holding),
        "threads_before": threads_before,
        "threads_held": threads_held,
        "threads_held_first": threads_held_first,
        "threads_held_max": threads_held_max,
        "threads_after": threads_after,
        "rss_before_kb": rss_before,
        "rss_held_kb": rss_held,
        "rss_after_kb": rss_after,
        "held_s": round(held_s, 1),
        "service_cpu_ms": round(cpu_ms),
        "service_cpu_percent": round(cpu_ms / held_s / 10, 2),
        "cpu_busy_percent": cores,
        "service_cpus": SERVICE_CPUS,
        "after_s": AFTER_S,
        "heartbeat_s": heartbeat,
        "heartbeat": {
            "gaps": len(gaps),
            "gap_s": {k: v for k, v in spread(gaps).items() if k != "samples"},
            "late": late,
            "slack_s": HEARTBEAT_SLACK_S,
        },
    }


async def flood_of(paths: list[tuple[str, str]]) -> dict:
    sampler = Sampler()
    threads_before, rss_before = sampler.read()
    room = await vote_room()
    streams: list[Stream] = []
    tasks: list[asyncio.Task] = []
    began = now()
    votes = asyncio.create_task(voting(room, began))
    for i in range(FLOOD):
        streams.append(Stream(*paths[i % len(paths)]))
        tasks.append(asyncio.create_task(streams[-1].run()))
        # Evenly spread; behind time, the next goes at once (after the loop turns).
        await asyncio.sleep(max(0.0, began + (i + 1) * FLOOD_S / FLOOD - now()))
    sent_s = now() - began
    voted = await votes
    await answered(streams)
    threads_held, rss_held = sampler.read()
    await close(tasks)
    await close(room["tasks"])
    threads_max, rss_max = sampler.threads_max, sampler.rss_max_kb
    await sampler.stop()
    times = [s.answer_ms() for s in streams if s.told]
    # Held or refused (503 with Retry-After): an answer the page can act on.
    told = [s.answer_ms() for s in streams if s.held or s.refused]
    return {
        **answers(streams),
        "seconds": round(sent_s, 1),
        "asked_s": FLOOD_S,
        "answer_target_ms": ANSWER_TARGET_S * 1000,
        "answered_in_time": sum(t <= ANSWER_TARGET_S * 1000 for t in told),
        "late": sum(t > ANSWER_TARGET_S * 1000 for t in told),
        "answer_ms": spread(times),
        "held_ms": spread([s.answer_ms() for s in streams if s.held]),
        "refused_ms": spread([s.answer_ms() for s in streams if s.refused]),
        "threads_before": threads_before,
        "threads_held": threads_held,
        "threads_max": threads_max,
        "rss_before_kb": rss_before,
        "rss_held_kb": rss_held,
        "rss_max_kb": rss_max,
        "vote_room": {
            "streams": len(room["streams"]),
            "held": sum(s.held for s in room["streams"]),
            "screens": len(room["screens"]),
        },
        "votes": voted,
    }


async def vote_room() -> dict:
    """A seeded room on an area, its streams held, and three of its phones
    ready to vote (the page's CSRF token, the area, the levels)."""
    rooms: dict[int, list[dict]] = {}
    for phone in SESSIONS["phones"]:
        rooms.setdefault(phone["room"], []).append(phone)
    for index, phones in rooms.items():
        voters = []
        for phone in phones[: len(VOTES_AT)]:
            client = Client(phone["session"])
            page = await client.request("GET", f"/workshops/live/{phone['code']}/", "phone page")
            html = page[1] if page else ""
            area, levels, token = (
                AREA_INPUT.search(html),
                LEVEL_BUTTON.findall(html),
                CSRF_HEADER.search(html),
            )
            if not (area and levels and token):
                await client.close()
                break
            client.csrf = token[1]
            voters.append((client, phone["code"], area[1], levels))
        if len(voters) < len(VOTES_AT):
            for client, *_ in voters:
                await client.close()
            continue
        live = SESSIONS["live"][index]
        base = f"/workshops/{live['workshop']}/"
        screens = [
            Stream(f"{base}events/?s={live['step']}", live["session"], Arrival()),
            Stream(f"{base}screen/events/?s={live['step']}", live["session"], Arrival()),
        ]
        streams = [*screens, *(Stream(f"/workshops/live/{p['code']}/events/", p["session"])
                               for p in phones)]  # fmt: skip
        tasks = await hold(streams)
        await answered(streams)
        return {"index": index, "voters": voters, "screens": screens, "streams": streams,
                "tasks": tasks}  # fmt: skip
    raise RuntimeError("no seeded room on an area to vote in")


async def voting(room: dict, began: float) -> list[dict]:
    """A vote at each of VOTES_AT of the flood, one after the other (each
    after the one before has reached the screens, or was missed): one
    vote's event is not taken for the next one's."""
    votes = []
    for n, at in enumerate(VOTES_AT):
        await asyncio.sleep(max(0.0, began + at * FLOOD_S - now()))
        votes.append(await vote(room, n, round(now() - began, 1)))
    return votes


async def vote(room: dict, n: int, after_s: float) -> dict:
    """The nth voter votes, `after_s` into the flood: its answer, and when
    each of the room's screens heard of it (from the vote's answer, as the
    other scenarios time a fan-out, and from its sending: what the room
    sees when the vote waits for its answer)."""
    client, code, area, levels = room["voters"][n]
    got = await client.post(
        f"/workshops/live/{code}/vote/", {"area": area, "level": levels[n % len(levels)]}, "vote"
    )
    await client.close()
    if not got:
        return {"at_s": after_s, "landed": False, "errors": dict(STATS.error_kinds)}
    status, _, answered_at, sent = got
    heard = await asyncio.gather(
        *(
            asyncio.wait_for(screen.arrival.after(sent), FANOUT_WAIT_S)
            for screen in room["screens"]
            if screen.held
        ),
        return_exceptions=True,
    )
    arrivals = [at for at in heard if isinstance(at, float)]
    return {
        "at_s": after_s,
        "landed": True,
        "status": status,
        "answer_ms": round((answered_at - sent) * 1000, 1),
        "screens": len(room["screens"]),
        "screens_held": sum(s.held for s in room["screens"]),
        "fanout_ms": [round(max(0.0, (at - answered_at) * 1000), 1) for at in arrivals],
        "heard_ms": [round((at - sent) * 1000, 1) for at in arrivals],
        "missed": len(heard) - len(arrivals) + sum(not s.held for s in room["screens"]),
    }


if __name__ == "__main__":
    sys.exit(run("streams", scenario_streams))
