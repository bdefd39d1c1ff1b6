"""The load `make bench` drives (locust, headless, against 127.0.0.1 only).

Each request is named after its endpoint group, so bench/report.py can
print one row per group and compare it with the baseline.

MERGE: the workshop (issue 3) users below are stubs; fill them in and give
them weights once their URLs exist. The issue's
target load is 50 live workshops (10 participants polling and voting, a
facilitator moving through steps and typing notes) plus 20 people browsing
the playbook and team pages.
"""

from __future__ import annotations

import os
import random
import re

from locust import HttpUser, between, constant, task

PASSWORD = "bench-password-not-secret"  # bench/seed.py
TEAMS = int(os.environ.get("BENCH_TEAMS", "200"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Baseline(HttpUser):
    """A constant view through the same middleware and server: the yardstick."""

    weight = 1
    wait_time = between(0.5, 1.5)

    @task
    def baseline(self):
        self.client.get("/bench/baseline", name="baseline")


class HealthCheck(HttpUser):
    """What a load balancer does: /healthz every couple of seconds."""

    weight = 1
    wait_time = constant(2)

    @task
    def healthz(self):
        self.client.get("/healthz", name="healthz")


class SignedInPerson(HttpUser):
    """Someone signed in: the home page and the model page."""

    abstract = True

    def on_start(self):
        team = random.randrange(TEAMS)
        username = f"member{team}-{random.randrange(3)}"
        page = self.client.get("/accounts/login/", name="sign in")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="sign in",
        )
        self.team_slug = f"bench-team-{team:03d}"


class Browser(SignedInPerson):
    weight = 4
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


class WorkshopParticipant(SignedInPerson):
    """MERGE (issue 3): join with a code, then poll the current step every
    2 s carrying the version shown (expect 204 when unchanged) and vote
    on each area. Name the requests "poll" and "vote"."""

    abstract = True  # remove once filled in; participants join without signing in


class WorkshopFacilitator(SignedInPerson):
    """MERGE (issue 3): run a workshop: move through the steps by number,
    reveal, record scores, autosave notes every few seconds. Requests named
    "facilitator step", "notes autosave", "presenter poll"."""

    abstract = True


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

    weight = 4
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
