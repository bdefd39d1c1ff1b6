"""The SQL queries each page of the pages scenario costs, counted in-process
with Django's test client on the benchmark's database, as the measured
requests were made (the same people; the facilitator's screen at the same
step; drawings already kept). Adds "queries" to each row of the JSON.

    DATABASE_URL=... SECRET_KEY=... python bench/page_queries.py pages.json [more.json ...]
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from workshops.models import Workshop  # noqa: E402


def count(paths: list[str]) -> None:
    sessions: dict = {}
    for path in map(Path, paths):
        result = json.loads(path.read_text())
        sessions = result.get("sessions") or sessions
        workshop = result.get("workshop")
        for row in result.get("rows", []):
            key = sessions.get(row["as"]) if row["as"] in sessions else None
            if row.get("error") or (row["as"] != "member" and not key):
                continue
            client = Client(HTTP_HOST="127.0.0.1")
            client.cookies["sessionid"] = key or sessions.get("member", "")
            if "step" in row and workshop:
                Workshop.objects.filter(pk=workshop).update(step=row["step"])
            client.get(row["path"])  # as measured: after the page was drawn and kept
            with CaptureQueriesContext(connection) as queries:
                client.get(row["path"])
            row["queries"] = len(queries)
        path.write_text(json.dumps(result) + "\n")


if __name__ == "__main__":
    count(sys.argv[1:])
