"""With the database gone, /healthz says 503 and pages show a friendly error;
when it comes back the service carries on without a restart.

Runs against a throwaway PostgreSQL of its own (scripts/pg.sh on a free
port) that it stops and starts, and gunicorn with production settings.
"""

from __future__ import annotations

import json
import time

import pytest

from tests.reliability.servers import (
    Gunicorn,
    Postgres,
    free_port,
    get,
    prepare_database,
    production_env,
)


@pytest.fixture
def service(static_root):
    pg = Postgres(free_port()).start()
    server = None
    try:
        env = production_env(pg.url, STATIC_ROOT=str(static_root))
        session_key = prepare_database(env)
        server = Gunicorn(env, free_port())
        yield pg, server, f"sessionid={session_key}"
    finally:
        if server:
            server.stop()
        pg.remove()


def test_service_survives_the_database_going_away_and_coming_back(service):
    pg, server, cookie = service
    assert get(server.url + "/healthz").status == 200
    assert get(server.url + "/model/", cookie).status == 200

    pg.down()

    health = get(server.url + "/healthz")
    assert health.status == 503
    assert json.loads(health.body) == {"status": "unavailable", "database": "unreachable"}
    for _ in range(2):  # a persistent connection and a fresh one both fail kindly
        page = get(server.url + "/model/", cookie)
        assert page.status == 500
        assert "Sorry, there is a problem with the service" in page.body
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
