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


ENTRA = {
    "DEBUG": "true",
    "OIDC_ISSUER": "https://login.microsoftonline.com/tenant-id/v2.0",
    "OIDC_CLIENT_ID": "client-id",
    "OIDC_CLIENT_SECRET": "client-secret",
}


def test_organisation_sign_in_configured_from_the_environment():
    code = (
        "import config.settings as s; "
        "print(s.OIDC_DISCOVERY_URL, s.OIDC_FACILITATOR_GROUPS, s.OIDC_ALLOWED_EMAIL_DOMAINS)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    env.update(ENTRA, OIDC_FACILITATOR_GROUPS="a, b", OIDC_ALLOWED_EMAIL_DOMAINS="NHS.net")
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR
    )
    assert result.stdout.split(maxsplit=1) == [
        "https://login.microsoftonline.com/tenant-id/v2.0/.well-known/openid-configuration",
        "['a', 'b'] ['nhs.net']\n",
    ], result.stderr


def test_an_issuer_without_a_client_is_refused():
    result = import_settings(**{**ENTRA, "OIDC_CLIENT_SECRET": ""})
    assert result.returncode != 0
    assert "set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET" in result.stderr


def test_an_issuer_over_plain_http_is_refused():
    result = import_settings(**{**ENTRA, "OIDC_ISSUER": "http://login.example.com/"})
    assert result.returncode != 0
    assert "OIDC_ISSUER must be an https:// address" in result.stderr


def test_scopes_without_openid_are_refused():
    result = import_settings(**{**ENTRA, "OIDC_SCOPES": "email profile"})
    assert result.returncode != 0
    assert "OIDC_SCOPES must include openid" in result.stderr


def test_password_sign_in_off_without_a_provider_is_refused():
    result = import_settings(DEBUG="true", PASSWORD_SIGN_IN="false")
    assert result.returncode != 0
    assert "nobody could sign in" in result.stderr


def test_live_room_limits_below_one_are_refused():
    # A heartbeat of 0 s would spin; a limit of 0 streams would refuse every screen.
    for name in (
        "LIVE_HEARTBEAT_SECONDS",
        "LIVE_MAX_STREAMS",
        "MAX_REQUESTS_IN_FLIGHT",
        "VIEW_THREADS",
    ):
        result = import_settings(DEBUG="true", **{name: "0"})
        assert result.returncode != 0
        assert "must be at least 1" in result.stderr
    assert import_settings(DEBUG="true", LIVE_MAX_STREAMS="1").returncode == 0


def gunicorn_config(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "WEB_CONCURRENCY"}}
    clean.update(env)
    code = "import runpy; runpy.run_path('config/gunicorn.conf.py')"
    return subprocess.run(
        [sys.executable, "-c", code],
        env=clean,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


def test_a_second_server_process_on_sqlite_is_refused():
    # The live room's changes travel inside one process on SQLite: a second
    # process's screens would never hear of the first one's changes.
    refused = gunicorn_config(WEB_CONCURRENCY="2")
    assert refused.returncode != 0
    assert "WEB_CONCURRENCY=2 on SQLite" in refused.stderr
    assert gunicorn_config(WEB_CONCURRENCY="1").returncode == 0
    postgres = gunicorn_config(WEB_CONCURRENCY="4", DATABASE_URL="postgres://u@db/maturity")
    assert postgres.returncode == 0


def test_the_cache_is_chosen_by_cache_url_and_a_wrong_one_refused():
    code = "import config.settings as s; print(s.CACHES['kept']['BACKEND'])"
    for url, backend in (("", "LocMemCache"), ("redis://cache:6379/0", "RedisCache")):
        env = {**os.environ, "DEBUG": "true", "CACHE_URL": url}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True,
            cwd=settings.BASE_DIR,
        )  # fmt: skip
        assert out.stdout.strip().endswith(backend), out.stderr
    for bad in ({"CACHE_URL": "memcache://cache"}, {"CACHE_MAX_ENTRIES": "0"}):
        result = import_settings(DEBUG="true", **bad)
        assert result.returncode != 0
        assert "CACHE_" in result.stderr


def test_the_site_address_is_read_without_its_trailing_slash():
    code = "import config.settings as s; print(repr(s.SITE_URL))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DEBUG": "true", "SITE_URL": "https://maturity.example.nhs.uk/ "},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.stdout.strip() == "'https://maturity.example.nhs.uk'", result.stderr


def test_a_site_address_that_is_not_an_address_is_refused():
    result = import_settings(DEBUG="true", SITE_URL="maturity.example.nhs.uk")
    assert result.returncode != 0
    assert "SITE_URL must be the service's address" in result.stderr


def test_offline_access_params_must_be_query_parameters():
    result = import_settings(DEBUG="true", OIDC_OFFLINE_ACCESS_PARAMS="consent")
    assert result.returncode != 0
    assert "OIDC_OFFLINE_ACCESS_PARAMS must be query parameters like prompt=consent" in (
        result.stderr
    )
    assert import_settings(DEBUG="true", OIDC_OFFLINE_ACCESS_PARAMS="").returncode == 0
