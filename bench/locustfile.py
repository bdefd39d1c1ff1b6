"""The load `make bench` drives: locust's FastHttpUser (cheap enough to stay
far from its own core's limit; bench.json reports its CPU), headless,
against 127.0.0.1 only, stopping by itself. bench/run.sh runs it once per
scenario, chosen with BENCH_SCENARIO:

- `start`: the start of a workshop. BENCH_WORKSHOPS rooms (50) fill up:
  their facilitators' screens are up and 10 phones per room join within
  60 s, polling as soon as they are in. Everything counts, joins included.
- `workshop`: the steady state. BENCH_WORKSHOPS live workshops (10 phones
  and a facilitator each), 20 people browsing, 2 on the baseline and a
  load balancer's health check. Warm-up (every phone joined, every screen
  loaded) happens before the statistics are reset; then BENCH_MEASURE_S.
- `capacity`: live workshops only, in steps (BENCH_STEPS, a list of
  workshop counts). Each step adds workshops, warms them up, measures
  BENCH_MEASURE_S, and the sweep stops after the first step in which any
  group's p95 passed 150 ms or any request failed.

Each request is named after its endpoint group, so bench/report.py prints
one row per group. Results go to BENCH_RESULT (JSON): per step, the
groups, the measured seconds, and the CPU the generator itself used.

The pace of a live workshop, twice as brisk as a real one: each area
lasts BENCH_AREA_S (300 s; the service's default timebox is 10 minutes).
Phones poll every 2 s, vote once in the first half of each area (one in
five changes their mind once) and add up to two notes in its first 60%;
the facilitator's screen polls every 2 s, notes autosave every 4 s until
the votes and the phones' notes are shown at 70% of the area, then the
workshop moves on. After its last area a room spends one area's time at
the choose step: each phone places its three dots (and may move one), the
facilitator counts them at 70%, and the room starts its areas again.
bench/seed.py starts one live workshop in five at the choose step, so
dots are in every measured window. Rooms start their steps at different
moments.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import resource
import time
from http.cookiejar import Cookie
from pathlib import Path
from urllib.parse import urlencode

from locust import LoadTestShape, between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser

SCENARIO = os.environ.get("BENCH_SCENARIO", "workshop")
FIRST = int(os.environ.get("BENCH_FIRST", "0"))  # this scenario's first live workshop
WORKSHOPS = int(os.environ.get("BENCH_WORKSHOPS", "50"))
STEPS = [int(n) for n in os.environ.get("BENCH_STEPS", str(WORKSHOPS)).split(",")]
WARMUP_S = float(os.environ.get("BENCH_WARMUP_S", "5"))
MEASURE_S = float(os.environ.get("BENCH_MEASURE_S", "60"))
AREA_S = float(os.environ.get("BENCH_AREA_S", "300"))
SPAWN_RATE = float(os.environ.get("BENCH_SPAWN_RATE", "100"))
RESULT = os.environ.get("BENCH_RESULT", "bench-results/locust.json")
MAX_S = float(os.environ.get("BENCH_MAX_S", "900"))  # whatever happens, stop by then
SESSIONS_JSON = os.environ.get("BENCH_SESSIONS", "bench-results/sessions.json")
SESSIONS = json.loads(Path(SESSIONS_JSON).read_text())  # bench/seed.py
P95_TARGET_MS = 150
PHONES_PER_WORKSHOP = 10
BROWSERS = 10  # and as many playbook browsers: 20 people browsing

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')  # base.html, for htmx posts
ROOM_KEY = re.compile(r'data-hx-vals=\'\{"k": "([^"]*)", "p": "([^"]*)"\}\'')
AREA_INPUT = re.compile(r'name="area" value="(\d+)"')
# Live workshops run on a mix of models: read each one's levels and areas.
LEVEL_BUTTON = re.compile(r'name="level" value="(\d+)"')
AREA_COUNT = re.compile(r"Area \d+ of (\d+)")
PRESENTER = re.compile(r'"v": "(\d+)", "s": "(\d+)", "p": "([^"]*)"')
REVISION = re.compile(r'name="revision" id="id_revision" value="(\d+)"')
DOTS_LEFT = re.compile(r'app-dots-left"><strong>(\d+)</strong>')
NOTES = ["Pairing helps", "Approvals are slow", "We demo every week", "Too many hand-offs"]
HTMX = {"HX-Request": "true"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

# Users that have finished warming up (on_start), whatever happened in it.
ready = itertools.count()
ready_count = 0


def mark_ready() -> None:
    global ready_count
    ready_count = next(ready) + 1


def sign_in_as(user: FastHttpUser, session_key: str) -> None:
    """Carry a session made by bench/seed.py (see there why)."""
    user.client.cookiejar.set_cookie(
        Cookie(
            0, "sessionid", session_key, None, False, "127.0.0.1", False, False,
            "/", True, False, None, False, None, None, {},
        )
    )  # fmt: skip


def post(user: FastHttpUser, path: str, data: dict, csrf: str, name: str, htmx: bool = True):
    headers = {**FORM, "X-CSRFToken": csrf, **(HTMX if htmx else {})}
    return user.client.post(path, data=urlencode(data), headers=headers, name=name)


class Baseline(FastHttpUser):
    """A constant view through the same middleware and server: the yardstick."""

    fixed_count = 2
    wait_time = between(0.5, 1.5)

    def on_start(self):
        mark_ready()

    @task
    def baseline(self):
        self.client.get("/bench/baseline", name="baseline")


class HealthCheck(FastHttpUser):
    """What a load balancer does: /healthz every couple of seconds."""

    fixed_count = 1
    wait_time = constant(2)

    def on_start(self):
        mark_ready()

    @task
    def healthz(self):
        self.client.get("/healthz", name="healthz")


class SignedInMember(FastHttpUser):
    abstract = True

    def on_start(self):
        member = random.choice(SESSIONS["members"])
        sign_in_as(self, member["session"])
        self.team_slug = f"bench-team-{member['team']:03d}"
        mark_ready()


class Browser(SignedInMember):
    """Someone signed in: the home page, the model page, their team's page."""

    fixed_count = BROWSERS
    wait_time = between(0.5, 2)

    @task(3)
    def home(self):
        self.client.get("/", name="home")

    @task(2)
    def model_page(self):
        self.client.get("/model/", name="model page")

    @task(1)
    def team_page(self):
        self.client.get(f"/teams/{self.team_slug}/", name="team page")


_phones = itertools.count()
_facilitators = itertools.count()


class WorkshopParticipant(FastHttpUser):
    """A phone in the room: joins with the code (no account), polls its
    screen every 2 s carrying the key and pass it was shown (204 while
    nothing it shows has changed), and votes on each area, as htmx does."""

    fixed_count = WORKSHOPS * PHONES_PER_WORKSHOP
    weight = PHONES_PER_WORKSHOP
    wait_time = constant(2)

    def on_start(self):
        try:
            n = next(_phones)
            self.code = SESSIONS["live"][FIRST + n // PHONES_PER_WORKSHOP]["code"]
            self.key = self.poll_pass = ""
            self.area = self.voted_on = self.vote_at = None
            self.note_at, self.dot_at, self.my_dots = [], [], []
            self.choosing, self.dots_left, self.dot_areas = False, 0, []
            self.levels = ["1"]
            page = self.client.get(f"/workshops/join/{self.code}/", name="join page")
            room = post(
                self,
                "/workshops/join/",
                {"code": self.code, "display_name": f"Phone {n}"},
                CSRF.search(page.text).group(1),
                "join",
                htmx=False,
            )
            self.csrf = CSRF_HEADER.search(room.text).group(1)
            self.read(room.text)
        finally:
            mark_ready()

    def read(self, html: str) -> None:
        key, area = ROOM_KEY.search(html or ""), AREA_INPUT.search(html or "")
        if key:
            self.key, self.poll_pass = key.groups()
        levels = LEVEL_BUTTON.findall(html or "")
        if levels:
            self.levels = levels
        choosing = "/dots/" in (html or "")
        if choosing:
            # The choose step: every area has a dot form, and no vote.
            self.dot_areas = sorted(set(AREA_INPUT.findall(html)))
            left = DOTS_LEFT.search(html)
            self.dots_left = int(left.group(1)) if left else 0
            if not self.choosing:
                now = time.monotonic()
                moves = 4 if random.random() < 0.2 else 3  # one in five moves a dot
                self.dot_at = sorted(now + random.uniform(2, AREA_S / 2) for _ in range(moves))
            self.choosing, self.area = True, None
            return
        self.choosing = False
        new_area = area and area.group(1) != self.area
        self.area = area.group(1) if area else None
        if new_area and self.area != self.voted_on and self.vote_at is None:
            # A new area on the phone: vote some time in its first half,
            # and add none, one or two notes in its first 60%.
            now = time.monotonic()
            self.vote_at = now + random.uniform(2, AREA_S / 2)
            notes = random.choice([0, 1, 2])
            self.note_at = sorted(now + random.uniform(5, 0.6 * AREA_S) for _ in range(notes))

    @task
    def tick(self):
        now = time.monotonic()
        if self.vote_at is not None and now >= self.vote_at and self.area:
            self.vote()
        elif self.note_at and now >= self.note_at[0] and self.area:
            self.note_at.pop(0)
            self.note()
        elif self.dot_at and now >= self.dot_at[0] and self.choosing:
            self.dot_at.pop(0)
            self.dot()
        else:
            self.poll()

    def poll(self):
        response = self.client.get(
            f"/workshops/live/{self.code}/",
            params={"k": self.key, "p": self.poll_pass},
            headers=HTMX,
            name="poll",
        )
        if response.status_code == 200:
            self.read(response.text)

    def vote(self):
        first = self.voted_on != self.area
        self.voted_on = self.area
        # One in five changes their mind once, a little later.
        changes_mind = first and random.random() < 0.2
        self.vote_at = time.monotonic() + random.uniform(5, 15) if changes_mind else None
        response = post(
            self,
            f"/workshops/live/{self.code}/vote/",
            {"area": self.area, "level": random.choice(self.levels)},
            self.csrf,
            "vote",
        )
        self.read(response.text)

    def note(self):
        response = post(
            self,
            f"/workshops/live/{self.code}/notes/",
            {
                "area": self.area,
                "kind": random.choice(["helps", "holds_back"]),
                "text": random.choice(NOTES),
            },
            self.csrf,
            "note",
        )
        self.read(response.text)

    def dot(self):
        if self.dots_left > 0 or not self.my_dots:
            area, action = random.choice(self.dot_areas or ["0"]), "add"
            self.my_dots.append(area)
        else:
            area, action = self.my_dots.pop(random.randrange(len(self.my_dots))), "remove"
        response = post(
            self,
            f"/workshops/live/{self.code}/dots/",
            {"area": area, "action": action},
            self.csrf,
            "dot",
        )
        self.read(response.text)


class WorkshopFacilitator(FastHttpUser):
    """The facilitator at the shared screen: it polls every 2 s (204 while
    unchanged); notes autosave while the room talks, the votes are revealed,
    and the workshop moves round its model's areas."""

    fixed_count = WORKSHOPS
    weight = 1
    wait_time = constant(2)

    def on_start(self):
        try:
            live = SESSIONS["live"][FIRST + next(_facilitators)]
            sign_in_as(self, live["session"])
            self.pk = live["workshop"]
            self.areas = 1
            self.show(self.client.get(f"/workshops/{self.pk}/", name="facilitator screen"))
            # Rooms did not all start at the same moment.
            self.area_started = time.monotonic() - random.uniform(0, AREA_S * 0.6)
            self.next_note = 0.0
        finally:
            mark_ready()

    def show(self, response) -> None:
        """Read what the full screen carries: its version and step, the
        area on screen, the notes' revision and the CSRF token."""
        self.csrf = CSRF_HEADER.search(response.text).group(1)
        version, step, self.screen_pass = PRESENTER.search(response.text).groups()
        self.version, self.step = version, int(step)
        areas = AREA_COUNT.search(response.text)
        if areas:
            self.areas = int(areas.group(1))
        area, revision = AREA_INPUT.search(response.text), REVISION.search(response.text)
        self.choosing = self.step > self.areas
        self.area = area.group(1) if area and not self.choosing else None
        self.revision = revision.group(1) if revision else "0"
        self.notes = ""
        self.revealed = False

    @task
    def tick(self):
        self.presenter_poll()
        elapsed = time.monotonic() - self.area_started
        if elapsed >= AREA_S:
            self.next_step()
        elif elapsed >= 0.7 * AREA_S and not self.revealed:
            self.reveal()
        elif not self.revealed and time.monotonic() >= self.next_note:
            self.notes_autosave()

    def presenter_poll(self):
        response = self.client.get(
            f"/workshops/{self.pk}/",
            params={"v": self.version, "s": self.step, "p": self.screen_pass},
            headers=HTMX,
            name="presenter poll",
        )
        found = PRESENTER.search(response.text or "") if response.status_code == 200 else None
        if found:
            self.version = found.group(1)

    def notes_autosave(self):
        self.next_note = time.monotonic() + 4
        if self.area is None:
            return
        self.notes += random.choice(["Pairing helps. ", "Approvals are slow. ", "We demo weekly. "])
        response = post(
            self,
            f"/workshops/{self.pk}/record/",
            {
                "area": self.area,
                "revision": self.revision,
                "score": random.randint(1, 5),
                "helps": self.notes,
                "holds_back": "Hand-offs",
            },
            self.csrf,
            "notes autosave",
        )
        revision = REVISION.search(response.text or "")
        if revision:
            self.revision = revision.group(1)

    def reveal(self):
        """The votes and the phones' notes on the area, or the dots' tally."""
        self.revealed = True
        if self.choosing:
            post(self, f"/workshops/{self.pk}/dots/reveal/", {}, self.csrf, "reveal", htmx=False)
        elif self.area is not None:
            post(self, f"/workshops/{self.pk}/reveal/", {"area": self.area}, self.csrf, "reveal")
            post(
                self,
                f"/workshops/{self.pk}/notes/show/",
                {"area": self.area},
                self.csrf,
                "reveal",
                htmx=False,
            )

    def next_step(self):
        # Round the workshop's areas, the choose step after the last.
        step = 1 if self.choosing else self.step + 1
        response = post(
            self, f"/workshops/{self.pk}/step/", {"step": step}, self.csrf, "step", htmx=False
        )
        self.show(response)
        self.area_started = time.monotonic()


ENTRIES = int(os.environ.get("BENCH_ENTRIES", "10000"))
AREAS = ["collaboration", "focus", "culture", "delivery", "approach"]
RESULTS = ["supported", "not_supported", "inconclusive"]
# Words bench/seed.py writes into the entries, and one nobody wrote.
SEARCH_WORDS = [
    "pairing",
    "releases",
    "feature flags",
    "on-call",
    "user research",
    "rollback",
    "clinicians",
    "retrospectives",
    "work in progress",
    "accessibility",
    "zebra",
]


def _published_slug() -> str:
    """A published, visible entry: bench/seed.py withdraws i % 40 == 3 and hides i % 40 == 7."""
    while True:
        i = random.randrange(ENTRIES)
        if i % 40 not in (3, 7):
            return f"entry-{i:05d}"


class PlaybookBrowser(SignedInMember):
    """Someone finding what other teams learned: the list (newest first,
    a later page sometimes), filters, searches (as htmx sends them, so only
    the results come back, and now and then as a full page), entries, and
    their own team's page."""

    fixed_count = BROWSERS
    wait_time = between(1, 3)

    @task(3)
    def playbook_list(self):
        params = {"page": random.choice([1, 1, 1, 2, 5, 40])}
        self.client.get("/playbook/", params=params, name="playbook list")

    @task(3)
    def playbook_filter(self):
        params = {"area": random.choice(AREAS), "result": random.choice(["", *RESULTS])}
        self.client.get("/playbook/", params=params, headers=HTMX, name="playbook filter")

    @task(4)
    def playbook_search(self):
        params = {"q": random.choice(SEARCH_WORDS)}
        if random.random() < 0.5:
            params["area"] = random.choice(AREAS)
        headers = HTMX if random.random() < 0.8 else {}
        self.client.get("/playbook/", params=params, headers=headers, name="playbook search")

    @task(4)
    def playbook_entry(self):
        self.client.get(f"/playbook/{_published_slug()}/", name="playbook entry")

    @task(1)
    def team_page(self):
        self.client.get(f"/teams/{self.team_slug}/", name="team page")


# The scenarios: which users, how many, how fast they arrive.

LIVE = [WorkshopParticipant, WorkshopFacilitator]
EVERYONE = [*LIVE, Browser, PlaybookBrowser, Baseline, HealthCheck]
if SCENARIO == "capacity":
    # Workshops are added step by step: the weights keep 10 phones to a facilitator.
    WorkshopParticipant.fixed_count = WorkshopFacilitator.fixed_count = 0


def users_for(workshops: int) -> int:
    live = workshops * (PHONES_PER_WORKSHOP + 1)
    return live if SCENARIO != "workshop" else live + 2 * BROWSERS + 3


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cores_busy() -> list[tuple[int, int]]:
    """(busy, total) jiffies per CPU from /proc/stat."""
    out = []
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("cpu") and line[3].isdigit():
            fields = [int(x) for x in line.split()[1:]]
            idle = fields[3] + fields[4]
            out.append((sum(fields) - idle, sum(fields)))
    return out


class Steps(LoadTestShape):
    """Spawn, warm up, reset the statistics, measure, record; per step.
    The `start` scenario measures from the first user on, without warm-up."""

    def __init__(self):
        super().__init__()
        self.steps = STEPS if SCENARIO == "capacity" else [WORKSHOPS]
        self.results: list[dict] = []
        self.step = 0
        self.phase = "measure" if SCENARIO == "start" else "spawn"
        self.since = None
        self.mark = None

    @property
    def target(self) -> int:
        return users_for(self.steps[self.step])

    @property
    def classes(self) -> list:
        return EVERYONE if SCENARIO == "workshop" else LIVE

    @property
    def rate(self) -> float:
        if SCENARIO == "start":  # every phone in within 60 s (the last ~50 s in)
            return users_for(WORKSHOPS) / 50
        return SPAWN_RATE

    def tick(self):
        now = time.monotonic()
        if self.since is None:
            self.since = self.began = now
            if self.phase == "measure":
                self.begin(now)
        if now - self.began > MAX_S:  # locust's --run-time does not apply to a shape
            if self.phase == "measure":
                self.finish(now)
            self.write()
            return None
        if self.phase == "spawn":
            spawned = self.runner.user_count >= self.target
            if (spawned and ready_count >= self.target) or now - self.since > 120:
                self.phase, self.since = "warm", now
        elif self.phase == "warm" and now - self.since >= WARMUP_S:
            self.runner.stats.reset_all()
            self.phase, self.since = "measure", now
            self.begin(now)
        elif self.phase == "measure" and now - self.since >= MEASURE_S:
            if self.finish(now) or self.step + 1 >= len(self.steps):
                self.write()
                return None
            self.step += 1
            self.phase, self.since = "spawn", now
        return self.target, self.rate, self.classes

    def begin(self, now: float) -> None:
        self.mark = (now, cpu_seconds(), cores_busy(), ready_count, self.runner.user_count)

    def finish(self, now: float) -> bool:
        """Record the step; True when the sweep should stop here."""
        start, cpu, cores, was_ready, _ = self.mark
        seconds = now - start
        groups = []
        for (name, method), entry in sorted(self.runner.stats.entries.items()):
            if not entry.num_requests:
                continue  # only in warm-up (joins, first screens)
            groups.append(
                {
                    "group": name,
                    "method": method,
                    "requests": entry.num_requests,
                    "errors": entry.num_failures,
                    "rps": round(entry.num_requests / seconds, 1),
                    "p50_ms": entry.get_response_time_percentile(0.5) or 0,
                    "p95_ms": entry.get_response_time_percentile(0.95) or 0,
                    "p99_ms": entry.get_response_time_percentile(0.99) or 0,
                }
            )
        busy = [
            round(100 * (b1 - b0) / max(1, t1 - t0), 1)
            for (b0, t0), (b1, t1) in zip(cores, cores_busy(), strict=True)
        ]
        errors = sum(g["errors"] for g in groups)
        worst = max(groups, key=lambda g: g["p95_ms"], default=None)
        self.results.append(
            {
                "workshops": self.steps[self.step],
                "users": self.runner.user_count,
                "warmed_up": was_ready >= self.target,
                "measured_s": round(seconds, 1),
                "requests": sum(g["requests"] for g in groups),
                "errors": errors,
                "rps": round(sum(g["requests"] for g in groups) / seconds, 1),
                "worst_group": worst and worst["group"],
                "worst_p95_ms": worst and worst["p95_ms"],
                "generator_cpu_percent": round(100 * (cpu_seconds() - cpu) / seconds, 1),
                "cpu_busy_percent": busy,
                "groups": groups,
            }
        )
        return errors > 0 or (worst is not None and worst["p95_ms"] > P95_TARGET_MS)

    def write(self) -> None:
        Path(RESULT).write_text(json.dumps({"scenario": SCENARIO, "steps": self.results}) + "\n")


@events.quitting.add_listener
def _written(environment, **_):
    """A run cut short (the time limit) still leaves what it measured."""
    if not Path(RESULT).exists() and environment.shape_class is not None:
        shape = environment.shape_class
        if shape.phase == "measure" and shape.mark:
            shape.finish(time.monotonic())
        shape.write()
