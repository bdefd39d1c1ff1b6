"""`idle`: BENCH_IDLE_STREAMS phones (2,000) join idle rooms; the
service's memory is read, they open their streams, and after a settle the
service core's busy time is measured over BENCH_IDLE_S (two heartbeats)
and its memory read again.
"""

from __future__ import annotations

import asyncio
import os
import sys

from client import FIRST, PHONES_PER_WORKSHOP, SPAWN_RATE, Client, now
from people import Load, Phone, Room, Window, run
from service import service_rss_kb

IDLE_STREAMS = int(os.environ.get("BENCH_IDLE_STREAMS", "2000"))
IDLE_S = float(os.environ.get("BENCH_IDLE_S", "31"))


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


if __name__ == "__main__":
    sys.exit(run("idle", scenario_idle))
