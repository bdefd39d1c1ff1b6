"""`manage.py check --deploy` with production settings reports nothing."""

import os
import secrets
import subprocess
import sys

from django.conf import settings


def test_deploy_check_with_production_settings_reports_nothing():
    # As a deployment would have it: none of our overrides, nor the browser
    # tests' DJANGO_ALLOW_ASYNC_UNSAFE (tests/e2e/conftest.py sets it).
    unset = ("SECURE_", "SESSION_", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(unset)}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="maturity.example.nhs.uk",
        CSRF_TRUSTED_ORIGINS="https://maturity.example.nhs.uk",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_deploy_check_with_organisation_sign_in_reports_nothing():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_"))}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="maturity.example.nhs.uk",
        OIDC_ISSUER="https://login.microsoftonline.com/tenant-id/v2.0",
        OIDC_CLIENT_ID="client-id",
        OIDC_CLIENT_SECRET="client-secret",
        PASSWORD_SIGN_IN="false",
        BREAK_GLASS_ACCOUNTS="emergency-admin",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_catches_a_weak_setting():
    """The check above can fail: a short secret key is reported."""
    env = dict(os.environ, DEBUG="false", SECRET_KEY="short", ALLOWED_HOSTS="x.nhs.uk")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout
