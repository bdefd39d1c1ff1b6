"""`pages`: CPU per request of every page a person reads, one at a time on
the otherwise idle service, and the statements each sends PostgreSQL
(pg_stat_statements); BENCH_PAGES=playbook: the playbook's pages only.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys

import psycopg
import report
from client import FIRST, SESSIONS, STATS, Client, now
from people import AREA_COUNT, CSRF, CSRF_HEADER, ENTRIES, Load, run
from service import cpu_meter, postgres_ms_between


class Statements:
    """The statements the service sends PostgreSQL, counted by
    pg_stat_statements in the bench's own PostgreSQL (bench/run.sh loads it
    with tracking off, so the other scenarios pay nothing for it): top-level
    SELECT, INSERT, UPDATE and DELETE, not BEGIN, COMMIT, SAVEPOINT or SET.
    Counting costs PostgreSQL a few µs a statement
    (measured: 4 µs, within the noise), under 0.1 ms for any page here.
    Nothing counted (None) when the extension is not there."""

    def __init__(self):
        self.db: psycopg.AsyncConnection | None = None

    async def track(self, on: bool) -> None:
        """Count from now on (or stop). The settings are the server's, read
        by the service's connections before their next statement."""
        if self.db is None and on:
            try:
                self.db = await psycopg.AsyncConnection.connect(
                    os.environ["DATABASE_URL"], autocommit=True
                )
                await self.db.execute("select from pg_stat_statements limit 0")
            except (KeyError, psycopg.Error) as error:
                print(f"Queries not counted: {error}", file=sys.stderr)
                self.db = None
        if self.db is None:
            return
        await self.db.execute(
            f"alter system set pg_stat_statements.track = {'top' if on else 'none'}"
        )
        await self.db.execute("select pg_reload_conf()")
        await asyncio.sleep(0.5)  # every backend has its signal before the next request
        if not on:
            await self.db.close()
            self.db = None

    async def reset(self) -> None:
        if self.db:
            await self.db.execute("select pg_stat_statements_reset()")

    async def count(self) -> int | None:
        """Statements since the reset in the service's database, except
        this class's own."""
        if self.db is None:
            return None
        cursor = await self.db.execute(
            "select coalesce(sum(calls), 0) from pg_stat_statements"
            " where dbid = (select oid from pg_database where datname = current_database())"
            " and query not like '%pg_stat_statements%'"
        )
        return int((await cursor.fetchone())[0])


PAGE_SAMPLES = int(os.environ.get("BENCH_PAGE_SAMPLES", "30"))
PAGES = os.environ.get("BENCH_PAGES", "all")  # "playbook": its rows only (the second size)
LINK = {
    "experiment": re.compile(r'href="(/experiments/\d+/)"'),
    "summary": re.compile(r'href="(/workshops/\d+/summary/)"'),
    "entry": re.compile(r'href="(/playbook/entry-[\w-]+/)"'),
    "model": re.compile(r'href="(/model/[\w-]+/)"'),
    "area": re.compile(r'<option value="([\w-]+\.[\w-]+)"'),
}


async def scenario_pages(load: Load) -> dict:
    """Every page a person reads, one request at a time on a service doing
    nothing else: the CPU the service's processes and PostgreSQL spent on
    each (median and p95 of PAGE_SAMPLES), after three unmeasured requests,
    so a page that keeps what it draws (core/kept.py) is measured as
    everyone after its first reader gets it; and the statements those
    measured requests sent PostgreSQL, a request (`Statements`)."""
    _, method, reading, spent = cpu_meter()
    member_session = SESSIONS["members"][0]
    live = SESSIONS["live"][FIRST]
    people = {"member": Client(member_session["session"]), "facilitator": Client(live["session"])}
    load.clients.extend(people.values())
    statements = Statements()
    rows: list[dict] = []

    async def measure(name: str, who: str, path: str, **extra) -> str:
        client = people[who]
        got = None
        for _ in range(3):  # unmeasured: drawn, kept, connections warm
            got = await client.request("GET", path, name)
        if not got:
            rows.append({"page": name, "path": path, "as": who, "error": True, **extra})
            return ""
        samples, in_postgres = [], []
        await statements.reset()
        for _ in range(PAGE_SAMPLES):
            await asyncio.sleep(0.02)
            j0, t0 = reading(), now()
            got = await client.request("GET", path, name) or got
            j1 = reading()
            samples.append(max(0.0, spent(j0, j1) - background * (now() - t0)))
            if isinstance(j0, dict):
                in_postgres.append(postgres_ms_between(j0, j1))
        sent = await statements.count()
        rows.append(
            {
                "page": name, "path": path, "as": who, "bytes": len(got[1].encode()),
                "median_ms": report.percentile(samples, 50),
                "p95_ms": report.percentile(samples, 95),
                "postgres_ms": report.percentile(in_postgres, 50) if in_postgres else None,
                "queries": None if sent is None else round(sent / PAGE_SAMPLES, 1),
                **extra,
            }
        )  # fmt: skip
        return got[1]

    await statements.track(True)
    await asyncio.sleep(1)
    j0, t0 = reading(), now()
    await asyncio.sleep(3)
    background = spent(j0, reading()) / (now() - t0)  # ms a second, doing nothing
    try:
        await measure("baseline (constant)", "member", "/bench/baseline")
        baseline = rows.pop()
        default_model = await _playbook_pages(measure)
        if PAGES != "playbook":
            await _other_pages(measure, people, load, member_session, live, default_model)
    finally:
        await statements.track(False)
    base = baseline.get("median_ms") or 0
    for row in rows:
        if "median_ms" in row and base:
            row["ratio"] = round(row["median_ms"] / base, 1)
    return {
        "entries": int(os.environ.get("BENCH_ENTRIES_NOW", ENTRIES)),
        "baseline_ms": base,
        "baseline_queries": baseline.get("queries"),
        "background_ms_per_s": round(background, 2),
        "method": method,
        "samples_per_page": PAGE_SAMPLES,
        "rows": rows,
        "errors": dict(STATS.error_kinds),
    }


async def _playbook_pages(measure) -> str:
    """The playbook's pages: the rows measured again at its second size.
    Returns the default model's key (its areas are the filter's first)."""
    playbook = await measure("playbook list", "member", "/playbook/")
    await measure("playbook list, page 2", "member", "/playbook/?page=2")
    area = LINK["area"].search(playbook)
    model = area[1].split(".")[0] if area else ""
    if area:
        await measure("playbook, one area", "member", f"/playbook/?area={area[1]}")
        await measure("playbook, one model", "member", f"/playbook/?model={model}")
    await measure("playbook, one result", "member", "/playbook/?result=supported")
    await measure("playbook search, a word", "member", "/playbook/?q=pairing")
    await measure("playbook search, words", "member", "/playbook/?q=user+research+rollback")
    # A bare area key, as links from before there were several models have.
    await measure("playbook search in one area", "member", "/playbook/?q=releases&area=delivery")
    entry = LINK["entry"].search(playbook)
    if entry:
        await measure("playbook entry", "member", entry[1])
    return model


async def _other_pages(measure, people, load, member_session, live, default_model) -> None:
    """Every other page, the facilitator's screen last: it moves the room on."""
    await measure("home", "member", "/")
    team = f"/teams/bench-team-{member_session['team']:03d}/"
    team_page = await measure("team page", "member", team)
    await measure("team export, CSV", "member", team + "history.csv")
    await measure("team export, JSON", "member", team + "history.json")
    for kind in ("experiment", "summary"):
        found = LINK[kind].search(team_page)
        if found:
            name = "experiment" if kind == "experiment" else "summary of a past workshop"
            await measure(name, "member", found[1])
    model_page = await measure("model page (the default)", "member", "/model/")
    # /model/ links to the other models; the default has an address of its own too.
    paths = set(LINK["model"].findall(model_page))
    if default_model:
        paths.add(f"/model/{default_model}/")
    for path in sorted(paths):
        await measure(f"model page {path.split('/')[2]}", "member", path)
    await measure("workshop list", "facilitator", "/workshops/")

    # A phone in the room, then the facilitator's screen at every step.
    workshop = f"/workshops/{live['workshop']}/"
    phone = Client()
    load.clients.append(phone)
    got = await phone.request("GET", f"/workshops/join/{live['code']}/", "join page")
    found = CSRF.search(got[1]) if got else None
    phone.csrf = found[1] if found else ""
    data = {"code": live["code"], "display_name": "Bench phone"}
    if await phone.post("/workshops/join/", data, "join", htmx=False):
        people["phone"] = phone
        await measure("phone's page", "phone", f"/workshops/live/{live['code']}/")
    await measure("presenter mode", "facilitator", workshop + "screen/")
    got = await people["facilitator"].request("GET", workshop, "facilitator's screen")
    screen = got[1] if got else ""
    token = CSRF_HEADER.search(screen)
    people["facilitator"].csrf = token[1] if token else ""
    counted = AREA_COUNT.search(screen)
    areas = int(counted[2]) if counted else 0
    labels = ["opening", *(f"area {n}" for n in range(1, areas + 1))]
    labels += ["choose an area", "the experiment", "summary"]
    for step, label in enumerate(labels):
        await people["facilitator"].post(workshop + "step/", {"step": step}, "step")
        await measure(f"facilitator's screen: {label}", "facilitator", workshop, step=step)


if __name__ == "__main__":
    sys.exit(run("pages", scenario_pages))
