"""`cpu`: CPU per request on an otherwise idle service, one request at a
time in a room whose screens and phones hold their streams: join, vote,
note, dot, autosave, reveal, next area.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections import defaultdict

import report
from client import FIRST, PHONES_PER_WORKSHOP, SESSIONS, STATS, all_arrived, now
from people import CSRF, Load, Phone, Room, Screen, join_post, run
from service import cpu_meter, ended_between, process_cpu_ms

CPU_SAMPLES = int(os.environ.get("BENCH_CPU_SAMPLES", "20"))


async def scenario_cpu(load: Load) -> dict:
    """CPU per request, one at a time, on a service doing nothing else, in
    rooms whose screens and phones hold their streams: the service CPUs'
    busy time from just before the request until the events it causes have
    reached the room's streams, less the idle background over the same
    time, which includes drawing the room once for every phone and sending
    it down each phone's stream. The page a step's answer redirects to is
    measured on its own ("facilitator screen")."""
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
            load.clients.append(phone)
            room.phones.append(phone)
            page = await phone.request("GET", f"/workshops/join/{room.code}/", "join page")
            found = CSRF.search(page[1]) if page else None
            phone.csrf = found.group(1) if found else ""
            await measure("join", room, lambda p=phone, r=room: join_post(p, r))
            phone.open_stream()
            await asyncio.sleep(0.1)
    await asyncio.sleep(1)
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


if __name__ == "__main__":
    sys.exit(run("cpu", scenario_cpu))
