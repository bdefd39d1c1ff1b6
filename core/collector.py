"""The collector, run when the process has a moment, not in the middle of
its answers.

Python frees most things as soon as nothing refers to them. What refers
to itself (a cycle: a form and its fields, a traceback and its frames, the
server's own per-request objects) waits for the collector, which stops
every thread while it looks through the objects made since it last ran.
Left to its own count (config/asgi.py: every 50,000 objects), it ran in
the middle of whatever was being answered: on `make bench`'s service at
200 live workshops, every 2-4 s for 50-90 ms, and once, for objects it had
kept from earlier runs, 684 ms. Every answer in flight waited it out.

So the event loop looks, every TICK_S, at how many objects have been made
since the last run; once there are SOME, it runs the collector at the
first tick that finds no request in flight (core/load.py counts them):
then it holds nobody up, and what it finds is only what finished
requests left, not the half-built objects of running ones, which it
would otherwise keep for its next, dearer, round. Each run looks through a
few thousand objects, a few milliseconds. Every YOUNG_RUNS runs it also
looks through what earlier runs kept. Its own count stays as the backstop
for a process that is never idle.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable

TICK_S = 0.05
SOME = 5_000  # objects made since the last run (the young generation's count)
YOUNG_RUNS = 10  # runs of the young generation before the next one is looked through


class Collector:
    def __init__(self, idle: Callable[[], bool]):
        self.idle = idle
        self.loop: asyncio.AbstractEventLoop | None = None

    def watch(self, loop: asyncio.AbstractEventLoop) -> None:
        """Tick on `loop` (a server has one; each test its own)."""
        if self.loop is not loop:
            self.loop = loop
            loop.call_later(TICK_S, self.tick, loop)

    def tick(self, loop: asyncio.AbstractEventLoop) -> None:
        if loop is not self.loop:
            return  # a loop no longer watched
        self.collect()
        loop.call_later(TICK_S, self.tick, loop)

    def collect(self) -> int | None:
        """Run the collector if it is time and nothing is in flight: the
        generation it ran on, or None."""
        young, runs, _ = gc.get_count()
        if young < SOME or not self.idle():
            return None
        generation = 1 if runs >= YOUNG_RUNS else 0
        gc.collect(generation)
        return generation
