"""`capacity`: live workshops only, in steps (BENCH_STEPS). Each step adds
workshops, warms them up, measures BENCH_MEASURE_S, and the sweep stops
after the first step in which any group's p95 passed 150 ms, any answer
was an error or a refusal. Then the overload: twice the workshops held
(BENCH_MEASURE_S), then back to the workshops held and, 30 s later, a
check that every room recovered.
"""

from __future__ import annotations

import asyncio
import os
import sys

from client import FIRST, HTMX, MEASURE_S, SESSIONS, SPAWN_RATE, WARMUP_S, WORKSHOPS
from people import Load, Room, Window, run

STEPS = [int(n) for n in os.environ.get("BENCH_STEPS", str(WORKSHOPS)).split(",") if n]
RECOVERY_S = float(os.environ.get("BENCH_RECOVERY_S", "30"))
P95_TARGET_MS = 150


def held(step: dict) -> bool:
    return (
        step["errors"] == 0
        and step["refused"] == 0
        and (step["worst_p95_ms"] or 0) <= P95_TARGET_MS
        and step["warmed_up"]
    )


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


if __name__ == "__main__":
    sys.exit(run("capacity", scenario_capacity))
