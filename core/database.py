"""Whether a database error means the database is briefly away (a restart,
a fail-over, every pooled connection busy) rather than a query that is
wrong: the error pages (config/views.py) answer it with 503 and
Retry-After, and the logs (core/logs.py) give it one line."""

import sqlite3

import psycopg
from django.db import InterfaceError, OperationalError


def database_unavailable(error: BaseException | None) -> bool:
    """The database is briefly away (a restart, a fail-over, every pooled
    connection busy), rather than a query that is wrong: worth trying again
    in a few seconds. PostgreSQL's connection, shutdown and resource
    errors, a connection that has gone, a wait for the pool that ran out,
    SQLite's lock."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, InterfaceError):
            return True
        if isinstance(error, OperationalError):
            cause = error.__cause__
            if isinstance(cause, psycopg.Error):
                state = cause.sqlstate
                if state is None:  # no answer from the server at all
                    return True
                return state[:2] in {"08", "53", "57"} or state in {"40001", "40P01"}
            if isinstance(cause, sqlite3.OperationalError):
                return "locked" in str(cause)
        error = error.__cause__ or error.__context__
    return False
