"""What a page draws again and again from the same rows, kept in Django's
cache under a key made from what it shows, so it is never stale and a
change shows at once on every server process.

Two kinds of key, both read from the database on each request (one small
query), so every process agrees on them whatever cache it has:

- `Rows`: a small record, such as one team's history. The key is a digest
  of the versions of every row the drawing reads. PostgreSQL writes a new
  version of a row for every insert and update, under the writing
  transaction's id (`xmin`, never handed out twice) and at a new place
  (`ctid`, new for each version within a transaction), and a deleted row
  leaves the list, so any change to any of them is a new key, whichever
  code, admin form or SQL made it. The test that keeps this true
  (tests/test_kept.py) draws each page with its queries captured and checks
  every table they read is named in its sources.
- `counter(name)`: tables too big to digest on each request (the playbook),
  or read whole by a page (the models' rubrics). A statement trigger bumps
  the counter in the same transaction as any insert, update, delete or
  truncate of any of them.

On SQLite (local development, no `xmin` and no triggers) nothing is kept:
every page is drawn afresh, which is always correct.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import caches
from django.db import connection
from django.db.models import Model

T = TypeVar("T")
CACHE = "kept"


@dataclass(frozen=True)
class Rows:
    """Some rows of one model's table: `where` is SQL with %s parameters."""

    model: type[Model]
    where: str = "TRUE"
    params: tuple = ()

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def sql(self) -> tuple[str, tuple]:
        pk = connection.ops.quote_name(self.model._meta.pk.column)
        return (
            f"(SELECT string_agg({pk}::text || ':' || xmin::text || ctid::text, ',' ORDER BY {pk}) "
            f"FROM {connection.ops.quote_name(self.table)} WHERE {self.where})",
            self.params,
        )


def enabled() -> bool:
    return connection.vendor == "postgresql"


def rows_version(sources: Sequence[Rows]) -> str:
    """A digest of the versions of every row in `sources`, in one query."""
    parts = [source.sql() for source in sources]
    sql = "SELECT md5(concat_ws('|', " + ", ".join(part for part, _ in parts) + "))"
    with connection.cursor() as cursor:
        cursor.execute(sql, [param for _, params in parts for param in params])
        return cursor.fetchone()[0]


def counter(name: str) -> int:
    """A change counter: "playbook" (playbook migration 0003, which makes the
    counters) or "rubric" (maturity migration 0004)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT number FROM kept_counter WHERE name = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else 0


def kept(name: str, version: Callable[[], object], draw: Callable[[], T], *key: object) -> T:
    """What `draw` returns, from the cache when the same version was drawn
    before. `key` holds whatever else the drawing depends on (a team, a date,
    a page number): nothing that differs between people may be left out."""
    if not enabled():
        return draw()
    digest = hashlib.sha256(repr((version(), key)).encode()).hexdigest()
    cache_key = f"{name}:{digest}"
    cache = caches[CACHE]
    value = cache.get(cache_key)
    if value is None:
        value = draw()
        cache.set(cache_key, value)
    return value
