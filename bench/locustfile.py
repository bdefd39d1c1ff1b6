"""The load `make bench` drives (locust, headless, against 127.0.0.1 only).

Each request is named after its endpoint group, so bench/report.py can
print one row per group and compare it with the baseline.

The issue's target load, and what every user class is fixed to: 50 live
workshops (10 participants polling and voting, a facilitator moving through
steps and typing notes) plus 20 people browsing the playbook and team pages,
2 measuring the baseline and 1 load balancer health check: 573 users. Scale
it down with BENCH_LIVE_WORKSHOPS (bench/seed.py seeds the same number).
"""

from __future__ import annotations

import itertools
import os
import random
import re

from locust import HttpUser, between, constant, task

PASSWORD = "bench-password-not-secret"  # bench/seed.py
TEAMS = int(os.environ.get("BENCH_TEAMS", "200"))
LIVE_WORKSHOPS = int(os.environ.get("BENCH_LIVE_WORKSHOPS", "50"))
PARTICIPANTS_PER_WORKSHOP = 10
BROWSERS = 10  # and as many playbook browsers: 20 people browsing
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')  # base.html, for htmx posts
JOIN_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
HTMX = {"HX-Request": "true"}


def live_code(i: int) -> str:
    """The join code bench/seed.py gives live workshop i."""
    return "WXY" + "".join(JOIN_ALPHABET[(i // 25**k) % 25] for k in range(3))


class Baseline(HttpUser):
    """A constant view through the same middleware and server: the yardstick."""

    fixed_count = 2
    wait_time = between(0.5, 1.5)

    @task
    def baseline(self):
        self.client.get("/bench/baseline", name="baseline")


class HealthCheck(HttpUser):
    """What a load balancer does: /healthz every couple of seconds."""

    fixed_count = 1
    wait_time = constant(2)

    @task
    def healthz(self):
        self.client.get("/healthz", name="healthz")


class SignedInPerson(HttpUser):
    """Someone signed in: the home page and the model page."""

    abstract = True

    def on_start(self):
        team = random.randrange(TEAMS)
        self.sign_in(f"member{team}-{random.randrange(3)}")
        self.team_slug = f"bench-team-{team:03d}"

    def sign_in(self, username: str) -> None:
        page = self.client.get("/accounts/login/", name="sign in")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="sign in",
        )


class Browser(SignedInPerson):
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


_participants = itertools.count()
_facilitators = itertools.count()

ROOM_KEY = re.compile(r'data-hx-vals=\'\{"k": "([^"]*)", "p": "([^"]*)"\}\'')
AREA_INPUT = re.compile(r'name="area" value="(\d+)"')
PRESENTER = re.compile(r'"v": "(\d+)", "s": "(\d+)"')
REVISION = re.compile(r'name="revision" id="id_revision" value="(\d+)"')
WORKSHOP_LINK = re.compile(r'href="/workshops/(\d+)/"')


class WorkshopParticipant(HttpUser):
    """A phone in the room: joins with the code (no account), polls its
    screen every 2 s carrying the key it was shown (204 while nothing it
    shows has changed), and votes on the area on screen, as htmx does."""

    fixed_count = LIVE_WORKSHOPS * PARTICIPANTS_PER_WORKSHOP
    wait_time = constant(2)

    def on_start(self):
        n = next(_participants)
        self.code = live_code(n % LIVE_WORKSHOPS)
        page = self.client.get(f"/workshops/join/{self.code}/", name="join")
        token = CSRF.search(page.text).group(1)
        room = self.client.post(
            "/workshops/join/",
            {"code": self.code, "display_name": f"Phone {n}", "csrfmiddlewaretoken": token},
            name="join",
        )
        self.csrf = CSRF_HEADER.search(room.text).group(1)
        self.read(room.text)

    def read(self, html: str) -> None:
        key, area = ROOM_KEY.search(html), AREA_INPUT.search(html)
        self.key = key.group(1) if key else ""
        self.poll_pass = key.group(2) if key else ""
        self.area = area.group(1) if area else None

    @task(6)
    def poll(self):
        url = f"/workshops/live/{self.code}/"
        response = self.client.get(
            url, params={"k": self.key, "p": self.poll_pass}, headers=HTMX, name="poll"
        )
        if response.status_code == 200:
            self.read(response.text)

    @task(1)
    def vote(self):
        if self.area is None:
            return
        response = self.client.post(
            f"/workshops/live/{self.code}/vote/",
            {"area": self.area, "level": random.randint(1, 5)},
            headers={**HTMX, "X-CSRFToken": self.csrf},
            name="vote",
        )
        self.read(response.text)


class WorkshopFacilitator(SignedInPerson):
    """The facilitator at the shared screen: it polls every 2 s (204 while
    unchanged), notes autosave as they type, votes are revealed, and the
    workshop moves through the five areas and round again."""

    fixed_count = LIVE_WORKSHOPS
    wait_time = constant(2)

    def on_start(self):
        n = next(_facilitators) % LIVE_WORKSHOPS
        self.sign_in(f"live{n}")
        listing = self.client.get("/workshops/", name="facilitator list")
        self.pk = WORKSHOP_LINK.search(listing.text).group(1)
        self.notes = ""
        self.show(self.client.get(f"/workshops/{self.pk}/", name="facilitator step"))

    def show(self, response) -> None:
        """Read what the full screen carries: its version and step, the
        area on screen, the notes' revision and the CSRF token."""
        self.csrf = CSRF_HEADER.search(response.text).group(1)
        version, step = PRESENTER.search(response.text).groups()
        self.version, self.step = version, int(step)
        area, revision = AREA_INPUT.search(response.text), REVISION.search(response.text)
        self.area = area.group(1) if area else None
        self.revision = revision.group(1) if revision else "0"
        self.notes = ""

    @task(6)
    def presenter_poll(self):
        response = self.client.get(
            f"/workshops/{self.pk}/",
            params={"v": self.version, "s": self.step},
            headers=HTMX,
            name="presenter poll",
        )
        found = PRESENTER.search(response.text) if response.status_code == 200 else None
        if found:
            self.version = found.group(1)

    @task(3)
    def notes_autosave(self):
        if self.area is None:
            return
        self.notes += random.choice(["Pairing helps. ", "Approvals are slow. ", "We demo weekly. "])
        response = self.client.post(
            f"/workshops/{self.pk}/record/",
            {
                "area": self.area,
                "revision": self.revision,
                "score": random.randint(1, 5),
                "helps": self.notes,
                "holds_back": "Hand-offs",
            },
            headers={**HTMX, "X-CSRFToken": self.csrf},
            name="notes autosave",
        )
        revision = REVISION.search(response.text)
        if revision:
            self.revision = revision.group(1)

    @task(1)
    def reveal(self):
        if self.area is None:
            return
        self.client.post(
            f"/workshops/{self.pk}/reveal/",
            {"area": self.area},
            headers={**HTMX, "X-CSRFToken": self.csrf},
            name="reveal",
        )

    @task(1)
    def next_step(self):
        step = self.step % 5 + 1  # round the five areas again
        response = self.client.post(
            f"/workshops/{self.pk}/step/",
            {"step": step},
            headers={"X-CSRFToken": self.csrf},
            name="facilitator step",
        )
        self.show(response)


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


class PlaybookBrowser(SignedInPerson):
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
        self.client.get(
            "/playbook/", params=params, headers={"HX-Request": "true"}, name="playbook filter"
        )

    @task(4)
    def playbook_search(self):
        params = {"q": random.choice(SEARCH_WORDS)}
        if random.random() < 0.5:
            params["area"] = random.choice(AREAS)
        headers = {"HX-Request": "true"} if random.random() < 0.8 else {}
        self.client.get("/playbook/", params=params, headers=headers, name="playbook search")

    @task(4)
    def playbook_entry(self):
        self.client.get(f"/playbook/{_published_slug()}/", name="playbook entry")

    @task(1)
    def team_page(self):
        self.client.get(f"/teams/{self.team_slug}/", name="team page")
