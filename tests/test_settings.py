"""Settings come from the environment and refuse wrong values loudly."""

import os
import subprocess
import sys

from django.conf import settings


def import_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        env=clean,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = import_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_development_starts_without_a_secret_key():
    assert import_settings(DEBUG="true").returncode == 0


def test_a_misspelt_debug_value_is_refused():
    result = import_settings(DEBUG="ture", SECRET_KEY="x")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_database_url_chooses_the_database():
    code = "import config.settings as s; print(s.DATABASES['default']['ENGINE'])"
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    clean.update(DEBUG="true", DATABASE_URL="postgres://u:p@127.0.0.1:5432/x")
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=clean,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert out.stdout.strip() == "django.db.backends.postgresql"


def test_a_poll_cache_as_long_as_the_poll_interval_is_refused():
    # Remembering a workshop's key for 2 s or more could hide a change made
    # through another app server for a whole poll (workshops/poll_cache.py).
    result = import_settings(DEBUG="true", WORKSHOP_POLL_CACHE_MS="2000")
    assert result.returncode != 0
    assert "WORKSHOP_POLL_CACHE_MS must be from 0 to 1999" in result.stderr
    assert import_settings(DEBUG="true", WORKSHOP_POLL_CACHE_MS="1999").returncode == 0
