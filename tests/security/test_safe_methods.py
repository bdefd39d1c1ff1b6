"""No URL changes anything on GET (or HEAD): only POSTs write.

Every GET row of the access matrix is fetched by every persona while a
database wrapper watches for writing SQL.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.urls import reverse

from tests.security.matrix import ARGS, MATRIX, PERSONAS
from tests.security.test_access_matrix import admin_urls

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|TRUNCATE|DROP|ALTER|CREATE)\b", re.I)
# Writing a session row is how a session keeps its own state, not the page's.
ALLOWED_TABLES = ("django_session",)
# A download (a team's record, a model file, the audit itself) adds the
# event that says who took it: a new row of the audit trail, never a change.
AUDIT_EVENT = re.compile(r'^\s*INSERT INTO "audit_auditevent"', re.I)


class WriteWatcher:
    def __init__(self):
        self.writes: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        allowed = any(t in sql for t in ALLOWED_TABLES) or AUDIT_EVENT.match(sql)
        if WRITE.match(sql) and not allowed:
            self.writes.append(sql[:120])
        return execute(sql, params, many, context)


@pytest.mark.parametrize("persona", PERSONAS)
def test_get_and_head_change_nothing(persona, world, personas):
    client = personas[persona]
    urls = [
        (name, reverse(name, args=ARGS[row.args](world)))
        for (name, method), row in MATRIX.items()
        if method == "GET"
    ] + admin_urls(world)
    found = []
    for name, url in urls:
        for method in ("GET", "HEAD"):
            watcher = WriteWatcher()
            with connection.execute_wrapper(watcher):
                client.generic(method, url)
            found += [f"{method} {name}: {sql}" for sql in watcher.writes]
    assert not found, "\n".join(found)


def test_the_watcher_sees_a_write(world, personas):
    """The test above can fail: a POST that writes is seen."""
    watcher = WriteWatcher()
    with connection.execute_wrapper(watcher):
        personas["member_a"].post(reverse("logout"))
        personas["anon"].post(reverse("login"), {"username": "alex", "password": "x"})
    assert watcher.writes  # the failed attempt is recorded by django-axes


def test_sign_out_is_post_only(personas):
    response = personas["member_a"].get(reverse("logout"))
    assert response.status_code == 405
    assert personas["member_a"].get("/").status_code == 200
