"""Helpers for the tests of what pages keep (core/kept.py)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

TABLE = re.compile(r'\b(?:FROM|JOIN)\s+"(\w+)"')

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pages are kept on PostgreSQL only (core/kept.py)",
)


def tables_read(draw) -> set[str]:
    """The tables a drawing's queries read."""
    with CaptureQueriesContext(connection) as queries:
        draw()
    return {table for query in queries.captured_queries for table in TABLE.findall(query["sql"])}


def triggered_tables(counter: str) -> set[str]:
    """The tables whose changes move a counter (core/kept.py `counter`)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE %s",
            [f"%_kept_{counter}"],
        )
        return {row[0] for row in cursor.fetchall()}
