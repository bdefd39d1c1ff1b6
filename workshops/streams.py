"""The live room's server-sent event streams: one per open screen.

- A phone (`/workshops/live/<code>/events/`) is sent the room as every
  phone shows it, drawn once per change the phones must show (a reveal,
  the notes shown, the dots counted, the next step, pause, close, each
  press of the timer) whatever the number of phones, with the room's key
  (what step, paused or closed, what has been revealed, the room clock's
  state) as its id; each stream puts its own CSRF token in its forms. The
  phone marks its own vote, notes and dots on it by itself (what it keeps
  of its own, static/js/workshop.js), so it never asks for its room again;
  a vote or a note that leaves the key as it was draws nothing for the
  phones.
- The facilitator's screen (`/workshops/<pk>/events/`) and presenter mode
  (`/workshops/<pk>/screen/events/`) are sent the HTML of their live region
  (who joined and voted, the spread), of the cards and of the room clock,
  drawn once per change per kind of screen (workshops/push.py), and told to
  reload when the step moves on.

A stream checks what its page checks before it opens, and is refused with
the page's own answer: a phone without a place in the room is sent to the
join page, someone signed out to the sign-in page, another team's workshop
is not found. A closed workshop has nothing left to stream (204, which
tells the browser not to reconnect). Every stream is sent the current state
as soon as it opens, so a screen that reconnects (a dropped network, a
restarted server, a laptop waking up) is up to date at once. A ping every
LIVE_HEARTBEAT_SECONDS keeps proxies from closing an idle stream, and tells
the page its stream is alive (static/js/workshop.js).

In production a stream does not go through Django's ASGI handler but
through `serve` (config/asgi.py routes every `/events/` path to it): Django's
handler gives each request a thread of its own for synchronous work
(asgiref's ThreadSensitiveContext, Django ticket #32889), which for a stream
lives as long as the screen stays open. `serve` runs the stream's check
(the same as its page's, with the page's session, user and CSRF cookie) on
the event loop's shared pool of threads, and then holds the stream as a
coroutine, a socket and its buffers. Before any of that it asks what the
process can afford (`refusal`): a stream that would pass the limit, the
file descriptors or the memory the process has is answered 503 with
Retry-After at once, as are openings past LIVE_MAX_OPENING still being
checked or drawn for the first time, so that under a flood every screen
hears an answer within a second. The async views below are the same streams through Django's own
handler, for the test client and `manage.py runserver`.
"""

from __future__ import annotations

import asyncio
import io
import logging
import random
import time
from dataclasses import replace
from importlib import import_module

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import DisallowedHost, PermissionDenied
from django.core.handlers.asgi import ASGIRequest, get_script_prefix
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, set_script_prefix
from django.utils.functional import SimpleLazyObject

from core.database import database_unavailable
from workshops.budget import budget, trim
from workshops.models import Workshop
from workshops.phone import phone_workshop, room_context
from workshops.push import State, beat_seconds, hub
from workshops.views import _can_run, _get_workshop_for_user, _live_context

log = logging.getLogger(__name__)

PHONE = "phone"
RUN = "run"  # the facilitator's (or an admin's) screen, with its buttons
LOOK = "look"  # a team member looking at the shared screen
PRESENTER = "presenter"
SCREENS = (RUN, LOOK, PRESENTER)

# The live region is drawn once for every facilitator's screen of a room;
# each stream puts its own CSRF token where this stands.
CSRF_PLACEHOLDER = "csrf-token-of-this-screen"


def draw(pk: int, kinds: list[str]) -> dict[str, State]:
    """What each kind of screen of workshop `pk` shows now (in Django's
    thread for views). Its queries do not depend on how many people are in
    the room or how many screens are open."""
    states = {}
    if PHONE in kinds:
        states[PHONE] = _phones(pk)
    screens = [kind for kind in kinds if kind in SCREENS]
    if screens:
        workshop = (
            Workshop.objects.select_related("team", "facilitator", "chosen_area")
            .filter(pk=pk)
            .first()
        )
        if workshop is None:
            return {kind: State("close", "gone", "", closed=True) for kind in kinds}
        closed = workshop.is_closed
        area = workshop.current_area
        context = {"workshop": workshop, "area": area, "csrf_token": CSRF_PLACEHOLDER}
        context.update(_live_context(workshop))
        # Drawn with its counts and version to be filled in, so that a
        # change of the counts alone fills them in again (`recount`).
        context.update(counts_html=COUNTS_PLACEHOLDER, drawn_version=VERSION_PLACEHOLDER)
        counts = _counts(area, context["room"])
        counting = None
        if _only_counts_change(workshop, context):
            counting = (workshop.counting(context.get("vote_round", 1)), area)
        for kind in screens:
            context.update(can_run=kind == RUN, screen=kind == PRESENTER)
            live = _compact(render_to_string("workshops/present.html#live", context))
            more = ()
            if area:
                cards = render_to_string("workshops/present.html#cards", context)
                # The room clock, drawn with its deadline and no "now": this
                # drawing may be sent to a screen long after it was drawn.
                timer = render_to_string(
                    "workshops/includes/timer.html", {**context, "pushed": True, "swap": True}
                )
                more = (("cards", _compact(cards)), ("timer", _compact(timer)))
            version = str(workshop.version)
            states[kind] = State(
                "live",
                version,
                _filled(live, counts, version),
                workshop.step,
                closed,
                more=more,
                recount=(live, *counting) if counting else None,
            )
    return states


# Where a shared screen's live region, as kept for `recount`, has its counts
# and its version (what its poll says it shows).
COUNTS_PLACEHOLDER = "counts-of-this-room"
VERSION_PLACEHOLDER = "version-of-this-drawing"


def _counts(area: dict | None, room: dict) -> str:
    return _compact(render_to_string("workshops/present.html#counts", {"area": area, "room": room}))


def _filled(live: str, counts: str, version: str) -> str:
    return live.replace(COUNTS_PLACEHOLDER, counts).replace(VERSION_PLACEHOLDER, version)


def _only_counts_change(workshop: Workshop, context: dict) -> bool:
    """Whether a change of the room's counts changes nothing else the
    shared screens show now: not once the votes are revealed (a vote that
    crossed the reveal changes the spread), the notes shown (the cards) or
    the dots counted (the tally), nor once the workshop has closed."""
    if workshop.is_closed:
        return False
    if context["area"]:
        return not (context["revealed"] or context["notes_shown"])
    return "tally" not in context


def recount(pk: int, shown: dict[str, State | None]) -> dict[str, State] | None:
    """After changes that only the room's counts show: each shared screen's
    live region as last drawn (`shown`), with its counts counted again and
    the workshop's version read with them, in one query; the phones' room is
    as it was. None when a screen must be drawn whole (`draw`): one has
    nothing it can fill in again."""
    screens = {kind: state for kind, state in shown.items() if kind in SCREENS}
    if not screens or any(state is None or state.recount is None for state in screens.values()):
        return None
    counted: dict[tuple, tuple[str, str] | None] = {}
    states = {}
    for kind, state in screens.items():
        live, counting, area = state.recount
        if counting not in counted:
            found = Workshop.objects.recount(counting)
            # The id says it was counted again: a drawing of the whole region
            # at the same version (a change this process has not heard of
            # yet, read here) is still sent after it.
            counted[counting] = found and (f"{found[0]}+", _counts(area, found[1]))
        if counted[counting] is None:
            return None
        version, counts = counted[counting]
        states[kind] = replace(state, id=version, data=_filled(live, counts, version))
    return states


hub.drawer = draw
hub.recounter = recount

# The phones' room as last drawn for each workshop: the room's key says
# everything the drawing shows, so a change that leaves the key as it was
# (a vote, a note) is not drawn again. Kept for a few thousand rooms at most.
_phones_drawn: dict[int, State] = {}


def _phones(pk: int) -> State:
    """What every phone of the room shows alike, with the room's key as its
    id; each phone marks its own vote, notes and dots on it by itself."""
    key = Workshop.objects.room_key(pk) or ""
    drawn = _phones_drawn.get(pk)
    if drawn is not None and drawn.id == key:
        return drawn
    workshop = Workshop.objects.for_phones().filter(pk=pk).first()
    if workshop is None:
        return State("close", "gone", "", closed=True)
    context = room_context(workshop, csrf_token=CSRF_PLACEHOLDER, pushed=True)
    html = _compact(render_to_string("workshops/live.html#room", context))
    drawn = State("room", context["key"], html, closed=workshop.is_closed)
    if len(_phones_drawn) >= 5000:
        _phones_drawn.clear()
    _phones_drawn[pk] = drawn
    return drawn


def _compact(html: str) -> str:
    """Sent once per change to every such screen: no blank lines."""
    return "\n".join(line for line in html.splitlines() if line.strip())


def _refused_while_busy() -> HttpResponse:
    response = HttpResponse(
        "The service is busy. This screen tries again by itself.",
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(random.randint(5, 15))
    # Expected under load, and counted by the benchmark: not an error to log
    # once per screen.
    response._has_been_logged = True
    return response


def _stream(request: HttpRequest, pk: int, kind: str, *, step: int | None, token: str = ""):
    opened: list = []  # called once the stream has its first state (_open)
    response = StreamingHttpResponse(
        _events(pk, kind, step=step, token=token, opened=opened),
        content_type="text/event-stream",
    )
    response.opened = opened
    response["Cache-Control"] = "no-cache"
    # Tells nginx (and proxies that honour it) to pass each event on at once.
    response["X-Accel-Buffering"] = "no"
    return response


async def _events(pk: int, kind: str, *, step: int | None, token: str, opened: list):
    room = hub.join(pk, kind)
    try:
        # The browser waits this long before reconnecting after a drop:
        # spread out, so a restarted server is not met by every screen at once.
        # With it, the server's clock as the stream opens, read by the screen
        # as it arrives: how far the device's own clock is off, for the room
        # clock (static/js/workshop.js).
        yield (
            f"retry: {random.randint(1000, 4000)}\n\n"
            f"event: now\ndata: {round(time.time() * 1000)}\n\n"
        ).encode()
        try:
            state = await hub.current(room, kind)
            if kind in SCREENS and step is not None and state.step != step:
                # What the room's other screens were last sent may predate
                # the change that drew this page (a redraw on its way): look
                # again before telling the page to reload.
                state = await hub.current(room, kind, fresh=True)
        except Exception as error:
            if not database_unavailable(error):
                raise
            # The database went away after the stream opened (a restart, a
            # fail-over): end it, and the browser opens it again after the
            # retry above, as it would after a dropped network. One line,
            # as every other refusal while the database is away.
            log.warning("Stream for workshop %s ended: the database is unavailable: %s", pk, error)
            return
        finally:
            for done in opened:
                done()
        sent = None
        clock = asyncio.get_running_loop().time
        heartbeat = settings.LIVE_HEARTBEAT_SECONDS
        spoke = clock()  # when this screen was last sent anything
        beats = room.beats
        while True:
            woken = room.waker(kind)
            state = room.states.get(kind, state)
            if state.id != sent:
                if kind in SCREENS and (state.closed or (step is not None and state.step != step)):
                    # The page itself must change: it reloads (and a closed
                    # workshop's page opens no stream).
                    yield State("reload", state.id, str(state.step)).encode()
                    return
                yield state.encode((CSRF_PLACEHOLDER, token) if token else None)
                sent, spoke = state.id, clock()
                if state.closed:
                    yield b"event: close\ndata: closed\n\n"
                    return
            # The room's heartbeat (one timer a room, workshops/push.py):
            # at a beat, a ping unless this screen spoke so lately that the
            # next beat still comes within its heartbeat. A stream woken
            # by changes that leave what it shows as it was (a card hidden,
            # for a phone) still hears its ping on time, or its page would
            # think the stream dead.
            if room.beats != beats:
                beats = room.beats
                if clock() - spoke >= heartbeat - beat_seconds():
                    # With the id of what this screen was last sent: a
                    # screen that shows something else asks for the room.
                    yield f"event: ping\nid: {sent}\ndata: {heartbeat}\n\n".encode()
                    spoke = clock()
            await woken.wait()
    finally:
        hub.leave(room, kind)
        if pk not in hub.rooms:
            _phones_drawn.pop(pk, None)  # nobody here sees the room now
        trim.stream_closed(asyncio.get_running_loop())


def _checked(place):
    """A stream's check borrows a database connection for itself and gives
    it straight back: an open stream holds none."""

    def check(*args):
        try:
            return place(*args)
        finally:
            if not connection.in_atomic_block:  # only a test checks inside one
                connection.close()

    return check


@_checked
def _phone_place(request: HttpRequest, code: str) -> HttpResponse:
    """The phone's stream, checked as its page checks it."""
    place = phone_workshop(request, code)
    if place is None:
        return redirect("workshops:join_code", code.upper())
    pk, closed = place
    if closed:
        return HttpResponse(status=204)
    return _stream(request, pk, PHONE, step=None, token=get_token(request))


@_checked
def _screen_place(request: HttpRequest, pk: int, presenter: bool) -> HttpResponse:
    """The shared screen's stream, checked as its page checks it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    workshop = _get_workshop_for_user(request, pk)  # 404 for another team's
    if workshop.is_closed:
        return HttpResponse(status=204)
    try:
        step = int(request.GET.get("s", ""))
    except ValueError:
        step = None
    if presenter:
        return _stream(request, workshop.pk, PRESENTER, step=step)
    if _can_run(workshop, request.user):
        return _stream(request, workshop.pk, RUN, step=step, token=get_token(request))
    return _stream(request, workshop.pk, LOOK, step=step)


async def _open(
    request: HttpRequest, place, *args, thread_sensitive: bool, until_drawn: bool = False
) -> HttpResponse:
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    hub.start()
    if budget.refusal():
        return _refused_while_busy()
    # Through `serve` (`until_drawn`), counted as opening until its first
    # state is drawn, not only while it is checked: the drawing is the
    # larger part of what an opening costs, and a flood whose drawings queue
    # without bound starves the event loop of the time to refuse anyone.
    done = budget.opened()
    try:
        response = await sync_to_async(place, thread_sensitive=thread_sensitive)(request, *args)
    except BaseException:
        done()
        raise
    opened = getattr(response, "opened", None)
    if opened is None or not until_drawn:
        done()
    else:
        opened.append(done)
    return response


# Through Django's own handler (the test client, `manage.py runserver`).


async def phone_events(request: HttpRequest, code: str) -> HttpResponse:
    return await _open(request, _phone_place, code, thread_sensitive=True)


async def screen_events(request: HttpRequest, pk: int) -> HttpResponse:
    return await _open(request, _screen_place, pk, False, thread_sensitive=True)


async def presenter_events(request: HttpRequest, pk: int) -> HttpResponse:
    return await _open(request, _screen_place, pk, True, thread_sensitive=True)


# Through `serve`, in production (config/asgi.py).

PLACES = {
    phone_events: lambda code: (_phone_place, code),
    screen_events: lambda pk: (_screen_place, pk, False),
    presenter_events: lambda pk: (_screen_place, pk, True),
}
SESSIONS = import_module(settings.SESSION_ENGINE).SessionStore


def _as_its_page(place):
    """The stream's check with what its page's middleware gives the page:
    its host checked, its session, its user and its CSRF cookie (whose token
    the facilitator's pushed buttons carry); and the answers Django would
    give for a missing or forbidden workshop."""

    def check(request: HttpRequest, *args) -> HttpResponse:
        try:
            request.get_host()
            request.session = SESSIONS(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
            request.user = SimpleLazyObject(lambda: auth.get_user(request))
            csrf = CsrfViewMiddleware(lambda request: None)
            csrf.process_request(request)
            response = place(request, *args)
            return csrf.process_response(request, response)
        except DisallowedHost:
            return HttpResponse(status=400)
        except Http404:
            return HttpResponse(status=404)
        except PermissionDenied:
            return HttpResponse(status=403)
        except Exception as error:
            if not database_unavailable(error):
                raise
            log.warning("Stream refused: the database is unavailable: %s", error)
            return _refused_while_busy()

    return check


async def serve(scope, receive, send) -> None:
    """The ASGI application for the streams' paths (config/asgi.py)."""
    if budget.refusal():
        return await _send(_refused_while_busy(), send, receive)
    set_script_prefix(get_script_prefix(scope))
    request = ASGIRequest(scope, io.BytesIO())
    try:
        match = resolve(request.path_info)
        place, *args = PLACES[match.func](**match.kwargs)
    except (Resolver404, KeyError):
        return await _send(HttpResponse(status=404), send, receive)
    try:
        response = await _open(
            request, _as_its_page(place), *args, thread_sensitive=False, until_drawn=True
        )
    except Exception:
        log.exception("Stream refused: %s", request.path)
        response = HttpResponse(status=500)
    await _send(response, send, receive)


async def _send(response: HttpResponse, send, receive) -> None:
    """Send a response; a stream for as long as it lasts or the screen
    stays (its generator is cancelled when the screen goes away)."""
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.items()]
    headers.append((b"x-content-type-options", b"nosniff"))
    for cookie in response.cookies.values():
        headers.append((b"set-cookie", cookie.output(header="").strip().encode("latin-1")))
    try:
        await send(
            {"type": "http.response.start", "status": response.status_code, "headers": headers}
        )
        if not response.streaming:
            await send({"type": "http.response.body", "body": response.content})
            return
        sending = asyncio.ensure_future(_pump(response, send))
        leaving = asyncio.ensure_future(_gone(receive))
        await asyncio.wait((sending, leaving), return_when=asyncio.FIRST_COMPLETED)
        for task in (sending, leaving):
            if not task.done():
                task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
    finally:
        # A stream that ended before its first state (the screen went away
        # at once) is no longer opening either.
        for done in getattr(response, "opened", ()):
            done()


async def _pump(response: StreamingHttpResponse, send) -> None:
    async for chunk in response.streaming_content:
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def _gone(receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
