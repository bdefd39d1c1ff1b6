"""With the database gone, /healthz says 503 and pages and posts are a 503
with Retry-After and a calm page, each logged as one line; a phone's vote
is kept and sent again by itself; when the database comes back the service
carries on without a restart.

Runs against a throwaway PostgreSQL of its own (scripts/pg.sh on a free
port) that it stops and starts, and gunicorn with production settings.
"""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import expect

from tests.reliability import live_workshop as w
from tests.reliability.servers import Gunicorn, database_and_server, get


@pytest.fixture
def service(static_root):
    with database_and_server(static_root) as (pg, env, server, session_key):
        yield pg, server, f"sessionid={session_key}", w.facilitator_session(env)


def server_log(server: Gunicorn) -> str:
    server.stop()
    return server.process.stderr.read().decode()


def test_service_survives_the_database_going_away_and_coming_back(service):
    pg, server, cookie, _ = service
    assert get(server.url + "/healthz").status == 200
    assert get(server.url + "/model/", cookie).status == 200

    pg.down()

    health = get(server.url + "/healthz")
    assert health.status == 503
    assert json.loads(health.body) == {"status": "unavailable", "database": "unreachable"}
    for _ in range(2):  # a persistent connection and a fresh one both answer kindly
        page = get(server.url + "/model/", cookie)
        assert page.status == 503 and 2 <= int(page.headers["Retry-After"]) <= 6
        assert "Nothing you entered has been lost" in page.body
        assert "Traceback" not in page.body and "OperationalError" not in page.body
        assert page.content_type.startswith("text/html")

    pg.up()

    # The server's connection pool reconnects by itself within moments.
    deadline = time.monotonic() + 15
    while get(server.url + "/healthz").status != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert get(server.url + "/healthz").status == 200
    page = get(server.url + "/model/", cookie)
    assert page.status == 200
    assert "Collaboration" in page.body


def test_a_phones_vote_while_the_database_is_away_is_sent_again_when_it_is_back(browser, service):
    pg, server, _, facilitator = service
    page = w.facilitator(browser, facilitator)
    phone = None
    try:
        code, _ = w.create_workshop(page, server.url)
        phone = w.join(browser, server.url, code, "Sam")
        page.get_by_role("button", name="Next: Collaboration").click()
        expect(phone.get_by_role("heading", name="Collaboration")).to_be_visible()

        pg.down()
        phone.locator(".app-vote").nth(2).click()
        notice = phone.get_by_role("alert")
        expect(notice).to_contain_text("Your vote (level 3) is not in yet")
        expect(notice).to_contain_text("sends it again by itself")

        pg.up()
        expect(phone.get_by_text("Your vote is in: level 3")).to_be_visible(timeout=30_000)
        expect(notice).to_have_count(0)
        expect(page.get_by_test_id("voted-count")).to_have_text("1", timeout=15_000)
    finally:
        w.close_all(page, *([phone] if phone else []))
    # Every refusal while it was away was one line, not a traceback.
    log = server_log(server)
    assert "Service Unavailable" in log and "the database is unavailable" in log
    assert "Traceback" not in log
