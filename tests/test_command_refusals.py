"""A management command refused for its configuration or its input says so
in one line on stderr, naming the setting or the input and the fix, with
exit status 2 and no traceback; a real fault keeps its traceback. Run as an
operator runs them: `manage.py` in a fresh process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("RETAIN_", "DATABASE_"))}
    clean.update({"DEBUG": "false", "SECRET_KEY": "test-only-secret-key"}, **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=clean,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )


def assert_refused(result: subprocess.CompletedProcess, *named: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for words in named:
        assert words in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("command", "env", "named"),
    [
        # A setting the service reads for every command, before any command runs ...
        (["apply_retention"], {"RETAIN_PHONE_NAMES_DAYS": "abc"}, "RETAIN_PHONE_NAMES_DAYS"),
        # ... the same for Django's own commands ...
        (["showmigrations"], {"SECRET_KEY": ""}, "Set the SECRET_KEY environment variable"),
        # ... and one a command needs for itself.
        (["send_review_reminders"], {"SITE_URL": ""}, "Set SITE_URL"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it(command, env, named, tmp_path):
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    assert_refused(manage(*command, **{"DATABASE_URL": database, **env}), named)


def test_a_bad_input_is_one_line_naming_it(tmp_path):
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    assert_refused(manage("apply_retention", "--batch", "0", DATABASE_URL=database), "--batch")
    reminders = manage(
        "send_review_reminders",
        "--date",
        "14/03/2026",
        DATABASE_URL=database,
        SITE_URL="https://maturity.example.nhs.uk",
    )
    assert_refused(reminders, "--date must look like 2026-03-14")


def test_a_real_fault_keeps_its_traceback():
    with socket.socket() as closed:  # a port nothing listens on: the database is down
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    result = manage("apply_retention", DATABASE_URL=f"postgres://nobody@127.0.0.1:{port}/none")
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "OperationalError" in result.stderr
