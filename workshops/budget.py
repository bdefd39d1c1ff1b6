"""What one server process can afford to hold: its live streams
(workshops/streams.py) are refused, 503 with Retry-After at once, before
another would pass any of

- LIVE_MAX_STREAMS, the limit the operator sets;
- the process's file descriptors (its soft RLIMIT_NOFILE, less
  LIVE_FD_RESERVE kept for the database, the views and the logs): each
  stream holds a socket;
- its memory: the room left under the container's limit (cgroup v2
  `memory.max`) or, without one, the machine's available memory, less
  LIVE_MEMORY_RESERVE_MB. Read at most once a second, since a stream costs
  tens of kilobytes and a second's worth of openings cannot use it up;
- LIVE_MAX_OPENING streams opening at once (being checked, or waiting
  for their first state to be drawn; through `serve`, as in production):
  under a flood of new streams the rest are refused at once rather than
  queued behind them, so
  every screen hears an answer within a second, and a vote still gets a
  thread for its view;
- the event loop running more than LIVE_MAX_LAG_MS behind (`Lag`): counts
  alone cannot tell a process that keeps up from one whose every opening,
  ping and answer is late because it is busy (a flood of openings, each
  with its check and its first drawing), so a late loop refuses new
  streams until it has caught up, and the ones it holds stay on time.

The page of a refused screen polls until its stream opens, so nothing it
shows is lost; only its promptness is.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import resource
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from workshops.push import hub

CGROUP = Path("/sys/fs/cgroup")
MEMINFO = Path("/proc/meminfo")


def spare_memory() -> int | None:
    """Bytes this process may still use: under its cgroup's limit if it has
    one, else the machine's available memory; None if neither can be read."""
    try:
        limit = (CGROUP / "memory.max").read_text().strip()
        if limit != "max":
            return int(limit) - int((CGROUP / "memory.current").read_text())
    except (OSError, ValueError):
        pass
    try:
        for line in MEMINFO.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


class Lag:
    """How far behind this process's event loop runs: a probe every 50 ms
    notes how late it ran. The figure jumps up at once and decays over a
    few probes, so one late moment refuses for a moment, not for long."""

    PROBE_S = 0.05

    def __init__(self):
        self.ms = 0.0
        self.loop: asyncio.AbstractEventLoop | None = None

    def watch(self, loop: asyncio.AbstractEventLoop) -> None:
        """Probe `loop` (each test has a loop of its own; a server one)."""
        if self.loop is not loop:
            self.loop, self.ms = loop, 0.0
            loop.call_later(self.PROBE_S, self._probe, loop, loop.time() + self.PROBE_S)

    def _probe(self, loop: asyncio.AbstractEventLoop, expected: float) -> None:
        if loop is not self.loop:
            return  # a loop no longer watched
        now = loop.time()
        self.ms = max((now - expected) * 1000, self.ms * 0.7)
        loop.call_later(self.PROBE_S, self._probe, loop, now + self.PROBE_S)


lag = Lag()


class Budget:
    def __init__(self):
        self.opening = 0  # streams being checked now
        self._memory_read_at = float("-inf")
        self._memory_short = False

    def opened(self) -> Callable[[], None]:
        """Count one more stream opening; the function returned, called
        once or more, counts it out."""
        self.opening += 1
        counted = [True]

        def done() -> None:
            if counted:
                counted.clear()
                self.opening -= 1

        return done

    def refusal(self) -> str | None:
        """Why another stream cannot be opened now, or None."""
        lag.watch(asyncio.get_running_loop())
        if self.opening >= settings.LIVE_MAX_OPENING:
            return "too many streams opening at once"
        if lag.ms > settings.LIVE_MAX_LAG_MS:
            return "the event loop is behind"
        held = hub.open_streams + self.opening
        if held >= settings.LIVE_MAX_STREAMS:
            return "LIVE_MAX_STREAMS reached"
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft != resource.RLIM_INFINITY and held >= soft - settings.LIVE_FD_RESERVE:
            return "file descriptors"
        if self.memory_short():
            return "memory"
        return None

    def memory_short(self) -> bool:
        now = time.monotonic()
        if now - self._memory_read_at >= 1:
            self._memory_read_at = now
            spare = spare_memory()
            reserve = settings.LIVE_MEMORY_RESERVE_MB * 1024 * 1024
            self._memory_short = spare is not None and spare < reserve
        return self._memory_short


budget = Budget()


def _libc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


_malloc_trim = _libc_trim()
TRIM_AFTER = 500  # streams closed since the last trim


class Trim:
    """Give the memory of closed streams back to the system. A stream's
    buffers come from C's allocator, which keeps freed memory for reuse
    rather than return it: after thousands of streams close, the process
    would keep their memory for good. Once TRIM_AFTER streams have closed,
    a second later (so a wave of closing screens is one trim), the garbage
    is collected and glibc's malloc_trim hands the free pages back.

    Only after a wave has gone, though: while as many streams are still
    open as have closed since the last trim, the screens are coming and
    going (every step reloads each shared screen) and the allocator reuses
    what they freed. A full collection of a process holding thousands of
    streams took 0.3-0.7 s of the event loop, and in a busy room's steady
    state it came about once a minute: every answer in flight waited for
    it, and streams opening in that moment were refused as late."""

    def __init__(self):
        self.closed = 0
        self.pending = None

    def stream_closed(self, loop) -> None:
        self.closed += 1
        if self.closed >= TRIM_AFTER and self.pending is None and _malloc_trim is not None:
            self.pending = loop.call_later(1, self.trim)

    def trim(self) -> None:
        closed, self.closed = self.closed, 0
        self.pending = None
        if hub.open_streams >= closed:
            return  # the screens come and go: nothing to give back
        gc.collect()
        _malloc_trim(0)


trim = Trim()
