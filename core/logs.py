"""Log lines an operator can read: every line carries the request id, an
expected refusal is one line, and LOG_FORMAT=json writes one JSON object a
line for the log collectors NHS platforms run.

- `RequestId` (first in MIDDLEWARE) names each request: the load balancer's
  `X-Request-ID` when it sends a sensible one, a fresh one otherwise, and
  sends it back in the answer's `X-Request-ID`, so a person's report and
  the proxy's log lead to the same lines here.
- `Refusal` (on the console handler) turns an expected refusal (any answer
  below 500: a member trying another team's page, a stale phone, a bad
  form), and a 503 while the database is briefly away, into one line with
  its status, reason and path, without the traceback Django attaches.
  Tracebacks are for errors.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from django.utils.log import log_response

from core.database import database_unavailable

access = logging.getLogger("access")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
SENSIBLE_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")


class RequestId:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.id = given if SENSIBLE_ID.fullmatch(given) else uuid.uuid4().hex
        token = _request_id.set(request.id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            if response.status_code >= 400:
                # Django logs a 404 (and any refusal no view logged) only after
                # the middleware has returned, outside the request's id: log it
                # here, once (log_response marks it logged), inside it.
                log_response(
                    "%s: %s",
                    response.reason_phrase,
                    request.path,
                    response=response,
                    request=request,
                )
            if access.isEnabledFor(logging.INFO):
                _access_line(request, response, started)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response


def _access_line(request, response, started: float) -> None:
    """ACCESS_LOG: one line a request, with its id (a stream's when it opens)."""
    took = round((time.perf_counter() - started) * 1000)
    access.info(
        "%s %s %s %d ms",
        request.method,
        request.path,
        response.status_code,
        took,
        extra={"method": request.method, "status": response.status_code, "duration_ms": took},
    )


class WithRequestId(logging.Filter):
    """Every record gets `request_id` ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


class Refusal(logging.Filter):
    """An answer below 500 is expected: one line, its reason, no traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        error = record.exc_info[1] if record.exc_info else None
        if status is None or (status >= 500 and not _database_away(status, error)):
            return True
        reason = next(iter(str(error).strip().splitlines()), "") if error else ""
        if reason and status >= 500:
            reason = f"the database is unavailable: {reason}"
        record.msg = record.getMessage()
        if reason and reason not in record.msg:
            record.msg = f"{record.msg} ({reason})"
        record.args = None
        record.exc_info = None
        record.exc_text = None
        record.refusal = True
        return True


def _database_away(status: int, error: BaseException | None) -> bool:
    """A database that is briefly away answers 503 (config.views): expected
    during a restart or fail-over, one line each, not a traceback each."""
    return status == 503 and database_unavailable(error)


class WithPath(logging.Filter):
    """A request's records name its path (Django's carry the request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None and not hasattr(record, "path"):
            record.path = getattr(request, "path", "")
        return True


def json_reserved() -> list[str]:
    from pythonjsonlogger.core import RESERVED_ATTRS

    # Only when LOG_FORMAT=json: the text format needs no library.
    return list(RESERVED_ATTRS)


def config(level: str, fmt: str, access_log: bool = False) -> dict:
    """Django's LOGGING for LOG_LEVEL, LOG_FORMAT ("text" or "json") and
    ACCESS_LOG (one line a request from the `access` logger)."""
    formatters = {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            # Django's request records carry the request object and the
            # server socket: keep them out of the line.
            "reserved_attrs": [*json_reserved(), "request", "server_time"],
        },
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "core.logs.WithRequestId"},
            "refusal": {"()": "core.logs.Refusal"},
            "path": {"()": "core.logs.WithPath"},
        },
        "formatters": {"line": formatters[fmt]},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "line",
                # On the handler, so records from every logger pass them
                # (a logger's own filters miss its children's records).
                "filters": ["request_id", "path", "refusal"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # Django's own default sends its records to a plain handler of its
        # own as well while DEBUG is on: here, through ours only.
        "loggers": {
            "django": {"handlers": [], "level": level, "propagate": True},
            "access": {"level": "INFO" if access_log else "WARNING"},
        },
    }
