import os

import pytest

# Real Chromium for the live-workshop tests, launched as in tests/e2e.
from tests.e2e.conftest import browser  # noqa: F401
from tests.reliability.servers import manage, production_env


def pytest_collection_modifyitems(config, items):
    """These tests start real PostgreSQL and gunicorn processes: they run in
    the PostgreSQL run of make test (.ci/run) and are skipped on SQLite."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: runs in the PostgreSQL run of make test")
    for item in items:
        if "tests/reliability/" in str(item.fspath):
            item.add_marker(pytest.mark.postgres)
            item.add_marker(skip)


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """collectstatic once for every server these tests start (the manifest
    storage of production settings needs it)."""
    root = tmp_path_factory.mktemp("static")
    manage(production_env("sqlite:///unused", STATIC_ROOT=str(root)), "collectstatic", "--noinput")
    return root
