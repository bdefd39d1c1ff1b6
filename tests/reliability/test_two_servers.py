"""Two app servers behind nginx over one PostgreSQL behave as one service:
requests alternate between them and a session made on one works on the
other (no state lives in a process). The scale-out workshop test (issue 6,
phase 2) builds on this fixture."""

from __future__ import annotations

import shutil

import pytest

from tests.reliability.servers import (
    Postgres,
    Topology,
    free_port,
    get,
    prepare_database,
    production_env,
)


@pytest.fixture
def two_servers(static_root, tmp_path):
    if not shutil.which("nginx"):
        pytest.fail("nginx is missing: apt-get install nginx (.ci/run does)")
    pg = Postgres(free_port()).start()
    topology = None
    try:
        env = production_env(pg.url, STATIC_ROOT=str(static_root), BEHIND_PROXY="true")
        session_key = prepare_database(env)
        topology = Topology(env, "two", tmp_path)
        yield topology, f"sessionid={session_key}"
    finally:
        if topology:
            topology.stop()
        pg.remove()


def test_requests_alternate_and_sessions_work_on_both_servers(two_servers):
    topology, cookie = two_servers
    served_by = {get(topology.url + "/bench/baseline").headers["X-Upstream"] for _ in range(6)}
    assert served_by == {url.removeprefix("http://") for url in topology.upstreams}

    for upstream in topology.upstreams:
        page = get(upstream + "/model/", cookie)
        assert page.status == 200, upstream
        assert "Collaboration" in page.body
    assert get(topology.url + "/healthz").status == 200
