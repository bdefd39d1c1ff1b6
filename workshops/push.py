"""The live room, pushed: how a change made by one request reaches every
open screen of its workshop, in every server process.

A change (`Workshop.bump_version`) announces itself as it commits:

- on PostgreSQL with `NOTIFY workshop_changes, '<id>'`, sent in the same
  statement as the version's update, so PostgreSQL delivers it only if the
  change commits (a rolled-back change sends nothing). Each server process
  holds one `LISTEN` connection (`Hub.listen`) and hears every change of
  every room, its own included;
- on SQLite (one process, refused otherwise by config/gunicorn.conf.py)
  straight to this process's hub once the transaction commits.

The hub fans the change out in memory. For each room with open streams in
this process it draws what each kind of screen needs once (the facilitator's
live region, presenter mode's, a team member's, and the phones' key) in
asgiref's one long-lived thread for synchronous work, and wakes the streams
of each kind drawn, each of which sends the new state if it is not what its
screen shows. A change of the room's counts alone (`'<id> counts'`: someone
joined, voted, wrote a note or placed a dot) is counted again rather than
drawn (`Hub.recount`), and wakes only the screens that show counts. Changes
that come while a room is being drawn are drawn once more, together,
afterwards.

If the listener loses its database (a restart, a fail-over) it reconnects
by itself, with backoff, and redraws every room: whatever changed while it
was away reaches every screen then.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connections

from workshops.models import CHANGES_CHANNEL as CHANNEL
from workshops.models import COUNTS_SUFFIX, changed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class State:
    """What one kind of screen shows of a room now: the event to send and
    its id (the Last-Event-ID a reconnecting browser sends back)."""

    event: str
    id: str
    data: str
    step: int | None = None
    closed: bool = False
    # Further events sent with it, as (event, data): the cards beside the
    # live region.
    more: tuple[tuple[str, str], ...] = ()
    # What the drawer needs to fill in this drawing's counts again after a
    # change of the counts alone (Hub.recounter), or None if such a change
    # must be drawn whole. Never sent.
    recount: tuple | None = field(default=None, compare=False, repr=False)

    def encode(self, replace: tuple[str, str] | None = None) -> bytes:
        events = [(self.event, self.data), *self.more]
        text = ""
        for event, data in events:
            if replace:
                data = data.replace(*replace)
            body = "".join(f"data: {line}\n" for line in data.splitlines() or [""])
            text += f"event: {event}\nid: {self.id}\n{body}\n"
        return text.encode()


@dataclass
class Room:
    """One workshop's open streams in this process, and what each kind of
    screen shows now.

    `changes` counts the changes this process has heard of the room; each
    kind's state remembers the count it was drawn after (`seen`). A state
    drawn before the latest change may be kept only while a redraw of that
    kind is on its way: a stream that opens is never given it (see
    `Hub.current`), and no state is kept for a kind with no stream open, so
    a screen whose stream reopens (the facilitator's next step, a reconnect)
    never starts from a drawing older than a change it did not hear."""

    pk: int
    streams: dict[str, int] = field(default_factory=dict)
    states: dict[str, State] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)
    changes: int = 0
    # Every change heard since the latest redraw began was of the room's
    # counts alone (someone joined, voted, wrote a note, placed a dot): the
    # shared screens are counted again, not drawn again, and the phones,
    # which show no counts, are neither drawn nor woken.
    counts_only: bool = True
    drawn_at: float = float("-inf")  # when the last redraw began (the loop's clock)
    # Each kind of screen's streams wait on their own event: woken by a new
    # state of their kind, and by every beat.
    woken: dict[str, asyncio.Event] = field(default_factory=dict)
    drawing: bool = False
    stale: bool = False
    # The room's heartbeat: one timer a room, not one a stream, beating
    # every BEAT (nine tenths) of a heartbeat. Each beat wakes the room's
    # streams, and every one pings unless it spoke within the last tenth
    # (workshops/streams.py): one that skips pings at the next beat, within
    # a heartbeat of when it last spoke, so none is quiet for longer than
    # LIVE_HEARTBEAT_SECONDS. A stream is woken about once a heartbeat:
    # beating more often to ping each stream closer to its own heartbeat
    # woke every idle stream several times for each ping it sent.
    beats: int = 0
    ticker: asyncio.TimerHandle | None = None
    # Drawings on their way for streams opening, by kind and the changes
    # heard when each began (Hub.current).
    opening: dict[tuple[str, int], asyncio.Task] = field(default_factory=dict)

    def keep(self, states: dict[str, State], seen: int) -> None:
        """Keep what was drawn after `seen` changes, for the kinds still open,
        unless a later drawing of that kind is kept already."""
        for kind, state in states.items():
            if kind in self.streams and seen >= self.seen.get(kind, -1):
                self.states[kind] = state
                self.seen[kind] = seen

    def waker(self, kind: str) -> asyncio.Event:
        """What a stream of this kind waits on until something wakes it."""
        event = self.woken.get(kind)
        if event is None:
            event = self.woken[kind] = asyncio.Event()
        return event

    def wake(self, states: dict[str, State], seen: int, kinds=None) -> None:
        """Keep what was drawn, and wake the streams of `kinds` (every kind
        if None)."""
        self.keep(states, seen)
        self._wake(kinds)

    def _wake(self, kinds=None) -> None:
        for kind in list(self.woken) if kinds is None else kinds:
            woken = self.woken.pop(kind, None)
            if woken is not None:
                woken.set()

    def beat(self) -> None:
        """Every beat_seconds() while the room has streams here."""
        self.beats += 1
        self._wake()
        self.ticker = asyncio.get_running_loop().call_later(beat_seconds(), self.beat)


class Hub:
    """This process's rooms. Lives on the server's event loop; other threads
    reach it only through `changed_threadsafe`."""

    def __init__(self):
        self.rooms: dict[int, Room] = {}
        self.open_streams = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        self.listener: asyncio.Task | None = None
        self.listening = asyncio.Event()
        # What each kind of screen shows of a room: set by the streams'
        # module (workshops/streams.py), which knows the screens.
        self.drawer: Callable[[int, list[str]], dict[str, State]] | None = None
        # What each kind shows after a change of the room's counts alone,
        # given what it shows now; None when it must be drawn whole.
        self.recounter: Callable[[int, dict], dict[str, State] | None] | None = None

    # The streams' side (on the event loop).

    def start(self) -> None:
        """Called by each new stream: note the loop, and on PostgreSQL make
        sure this process listens."""
        self.loop = asyncio.get_running_loop()
        stale = self.listener is None or self.listener.done()
        if not stale and self.listener.get_loop() is not self.loop:
            stale = True  # a loop that has ended (the tests run one per call)
        if uses_postgres() and stale:
            self.listening = asyncio.Event()
            self.listener = self.loop.create_task(self.listen(), context=contextvars.Context())

    async def stop(self) -> None:
        """Close this process's LISTEN connection (tests; a process that
        ends closes it anyway)."""
        listener, self.listener = self.listener, None
        if listener is not None and not listener.done():
            listener.cancel()
            try:
                await listener
            except asyncio.CancelledError:
                pass

    def join(self, pk: int, kind: str) -> Room:
        room = self.rooms.get(pk)
        if room is None:
            room = self.rooms[pk] = Room(pk)
            room.ticker = asyncio.get_running_loop().call_later(beat_seconds(), room.beat)
        room.streams[kind] = room.streams.get(kind, 0) + 1
        self.open_streams += 1
        return room

    def leave(self, room: Room, kind: str) -> None:
        self.open_streams -= 1
        room.streams[kind] -= 1
        if not room.streams[kind]:
            del room.streams[kind]
            room.states.pop(kind, None)
            room.seen.pop(kind, None)
        if not room.streams and self.rooms.get(room.pk) is room:
            del self.rooms[room.pk]
        if not room.streams and room.ticker is not None:
            room.ticker.cancel()
            room.ticker = None

    async def current(self, room: Room, kind: str, *, fresh: bool = False) -> State:
        """What this kind of screen should show now: what the room's other
        streams of that kind were sent, if it was drawn after every change
        heard so far; otherwise (or if `fresh`) drawn now.

        Streams of a room that open together (ten phones joining, a
        restarted server met by every screen) share one drawing begun after
        the same changes, rather than queueing one each for the one thread
        that draws: under a flood of openings that queue grew faster than it
        drained, and the process was still drawing for streams long held."""
        if not fresh and room.seen.get(kind) == room.changes and kind in room.states:
            return room.states[kind]
        seen = room.changes
        drawing = None if fresh else room.opening.get((kind, seen))
        if drawing is None:
            # Its own task (and context, as a redraw's): a stream that closes
            # while waiting does not cancel the drawing the others wait for.
            drawing = asyncio.get_running_loop().create_task(
                self.draw(room.pk, [kind]), context=contextvars.Context()
            )
            if not fresh:
                room.opening[kind, seen] = drawing
                drawing.add_done_callback(partial(_drawn, room.opening, (kind, seen)))
        states = await asyncio.shield(drawing)
        room.keep(states, seen)
        return room.states.get(kind, states[kind])

    async def draw(self, pk: int, kinds: list[str]) -> dict[str, State]:
        return await sync_to_async(self._draw, thread_sensitive=True)(pk, kinds)

    def _draw(self, pk: int, kinds, drawer=None) -> dict[str, State] | None:
        # Outside any request's life (a redraw), or inside a stream's, which
        # lasts as long as the screen stays open: borrow a connection for
        # the drawing and give it straight back, so no stream holds one
        # (not inside a transaction: only a test draws inside one).
        drawer = drawer or self.drawer
        connection = connections["default"]
        if connection.in_atomic_block:
            return drawer(pk, kinds)
        close_old_connections()
        try:
            return drawer(pk, kinds)
        finally:
            connection.close()

    # The changes' side.

    def changed(self, pk: int, counts: bool = False) -> None:
        """On the event loop: a room changed (`counts`: its counts alone);
        redraw it if anyone here sees it."""
        room = self.rooms.get(pk)
        if room is None:
            return
        room.changes += 1
        room.stale = True
        if not counts:
            room.counts_only = False
        if not room.drawing:
            room.drawing = True
            # In a context of its own: not the request's that happened to
            # open the listener, whose thread for views has long finished.
            asyncio.get_running_loop().create_task(
                self._redraw(room), context=contextvars.Context()
            )

    def changed_threadsafe(self, pk: int, counts: bool = False) -> None:
        """From a view's thread (SQLite): after the change has committed."""
        loop = self.loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self.changed, pk, counts)

    def changed_everywhere(self) -> None:
        for pk in list(self.rooms):
            self.changed(pk)

    async def _redraw(self, room: Room) -> None:
        try:
            while room.stale and room.streams:
                # A burst of changes (ten phones voting at once) is drawn
                # a few times, not once per change: the first at once, the
                # rest together at most every LIVE_REDRAW_MS.
                loop = asyncio.get_running_loop()
                wait = room.drawn_at + settings.LIVE_REDRAW_MS / 1000 - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                    if not room.streams:
                        break
                room.drawn_at = loop.time()
                room.stale = False
                seen = room.changes
                counts_only, room.counts_only = room.counts_only, True
                try:
                    states = await self.recount(room) if counts_only else None
                    if states is None:
                        states = await self.draw(room.pk, list(room.streams))
                except (OperationalError, InterfaceError) as error:
                    # The database is away (a restart, a fail-over): tried
                    # again each second, one line each, until it is back.
                    log.warning("Could not draw workshop %s's screens: %s", room.pk, error)
                    await self._again(room, counts_only)
                    continue
                except Exception:
                    log.exception("Could not draw workshop %s's screens", room.pk)
                    await self._again(room, counts_only)
                    continue
                room.wake(states, seen, list(states))
        finally:
            room.drawing = False

    async def _again(self, room: Room, counts_only: bool) -> None:
        """A redraw failed: what it was for is drawn again in a second."""
        room.counts_only = room.counts_only and counts_only
        room.stale = True
        await asyncio.sleep(1)

    async def recount(self, room: Room) -> dict[str, State] | None:
        """After changes of the room's counts alone: the screens that show
        counts, counted again from what they show now (in the same thread
        as drawings); None if they must be drawn whole."""
        shown = {kind: room.states.get(kind) for kind in room.streams}
        if self.recounter is None:
            return None
        return await sync_to_async(self._draw, thread_sensitive=True)(
            room.pk, shown, self.recounter
        )

    async def listen(self) -> None:
        """One LISTEN connection for this process, for as long as it runs.
        Reconnects by itself (backoff with jitter, at most 5 s apart) and
        then redraws every room, since what changed meanwhile was missed."""
        import psycopg

        delay = 0.5
        lost = False
        while True:
            try:
                conninfo = listen_conninfo()
                async with await psycopg.AsyncConnection.connect(
                    conninfo, autocommit=True, connect_timeout=5
                ) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    if lost:
                        log.warning("Listening for the live room's changes again.")
                    # Whatever changed before this LISTEN took hold (while
                    # the first stream opened, or the database was away).
                    self.changed_everywhere()
                    lost = False
                    delay = 0.5
                    async for notify in conn.notifies():
                        pk, suffix, rest = notify.payload.partition(COUNTS_SUFFIX)
                        try:
                            self.changed(int(pk), counts=bool(suffix) and not rest)
                        except ValueError:
                            continue
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self.listening.clear()
                lost = True
                log.warning(
                    "The live room's listener lost the database (%s); trying again in %.1f s.",
                    error.__class__.__name__,
                    delay,
                )
            await asyncio.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 5)


def _drawn(opening: dict, key: tuple[str, int], drawing: asyncio.Task) -> None:
    """A shared drawing is done: the next stream to open draws afresh if it
    must. Its failure is read here too, so that one whose every stream has
    closed is not reported as never retrieved (each waiting stream has it
    raised and handles it)."""
    if opening.get(key) is drawing:
        del opening[key]
    if not drawing.cancelled():
        drawing.exception()


BEAT = 0.9  # of a heartbeat


def beat_seconds() -> float:
    return settings.LIVE_HEARTBEAT_SECONDS * BEAT


def uses_postgres() -> bool:
    return connections["default"].vendor == "postgresql"


def listen_conninfo() -> str:
    """LIVE_LISTEN_DATABASE_URL, or the database Django itself uses (its
    name as the test runner may have changed it)."""
    if settings.LIVE_LISTEN_DATABASE_URL:
        return settings.LIVE_LISTEN_DATABASE_URL
    from psycopg.conninfo import make_conninfo

    params = connections["default"].get_connection_params()
    keep = ("dbname", "user", "password", "host", "port", "sslmode")
    return make_conninfo(**{k: v for k, v in params.items() if k in keep and v})


hub = Hub()


def _committed(sender, pk: int, counts: bool = False, **kwargs) -> None:
    """SQLite: a change has committed in one of this process's threads."""
    hub.changed_threadsafe(pk, counts)


changed.connect(_committed, dispatch_uid="workshops.push")
