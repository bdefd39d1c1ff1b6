"""A short-lived memory, per app-server process, of what each live
workshop's screens show, so the busiest requests there are (every phone in
every room, and every shared screen, asks every 2 s whether it changed)
usually answer 204 without touching the database: `poll_keys` holds the
participants' key by join code, `screen_keys` the shared screen's version
and step by workshop id.

Correct with any number of app servers because it forgets on its own: a key
is trusted for at most `WORKSHOP_POLL_CACHE_SECONDS` (default 1 s) from the
moment it was read, so a change made through another server reaches a phone
at most that long after its next poll, well inside the 2 s poll interval.
A change made through this process forgets the key as it commits
(`Workshop.bump_version`), so it shows at once. The memory is bounded: past
`MAX_ENTRIES` workshops it starts again from empty.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.conf import settings

MAX_ENTRIES = 10_000


class PollKeys:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._entries: dict[str, tuple[float, str]] = {}
        # Bumped by every forget: a key read before a change committed is
        # not stored after it (a poll racing a change on another thread).
        self._generation = 0
        self._lock = threading.Lock()

    def get(self, join_code: str, load: Callable[[str], str | None] | None) -> str | None:
        """The key, from memory if it is fresh, else from `load` (with no
        `load`, None: the caller only wants what is remembered)."""
        seconds = settings.WORKSHOP_POLL_CACHE_SECONDS
        read_at = self.clock()
        entry = self._entries.get(join_code)
        if entry is not None and read_at - entry[0] < seconds:
            return entry[1]
        if load is None:
            return None
        generation = self._generation
        key = load(join_code)
        if key is not None and seconds > 0:
            with self._lock:
                if generation == self._generation:
                    if len(self._entries) >= MAX_ENTRIES:
                        self._entries.clear()
                    self._entries[join_code] = (read_at, key)
        return key

    def forget(self, join_code: str) -> None:
        with self._lock:
            self._generation += 1
            self._entries.pop(join_code, None)

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()


poll_keys = PollKeys()
screen_keys = PollKeys()
