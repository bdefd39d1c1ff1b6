"""Every page's HTML passes the Nu HTML checker (vnu) with no errors.

vnu.jar comes from `make vnu` (make test fetches it); the pages are written
to files and checked in one java run, because java is slow to start.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.template import loader

from tests.conftest import PASSWORD
from tests.security.pages import error_pages, pages
from tests.security.world import persona_client

VNU_JAR = Path(settings.BASE_DIR, os.environ.get("VNU_JAR", ".cache/vnu-26.9.27/vnu.jar"))


# Errors in Django's own admin templates, which we do not override; each is
# Django's markup around a field of the user admin, not ours.
KNOWN_ADMIN_ERRORS = [
    # Password validators' help (<ul>) inside the admin's <p class="help">.
    ("admin:auth_user_password_change", "No “p” element in scope but a “p” end tag seen."),
    # ReadOnlyPasswordHashWidget renders <div disabled>.
    ("admin:auth_user_change", "Attribute “disabled” not allowed on element “div”"),
]


def validate(files: list[Path]) -> dict[str, list[str]]:
    """vnu's errors per file name."""
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR} is missing: run `make vnu` (make test does it for you)")
    if not shutil.which("java"):
        pytest.fail("java is missing: apt-get install default-jre-headless")
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--exit-zero-always"]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors: dict[str, list[str]] = {}
    for message in json.loads(result.stderr or result.stdout)["messages"]:
        name = Path(message.get("url", "?")).name
        errors.setdefault(name, []).append(
            f"line {message.get('lastLine')}: {message['message']} "
            f"[{message.get('extract', '').strip()[:80]}]"
        )
    return errors


def test_every_page_is_valid_html(world, tmp_path):
    clients = {}
    files = []
    for i, page in enumerate(pages(world) + error_pages(world)):
        client = clients.setdefault(page.persona, persona_client(page.persona, world))
        response = client.generic(
            page.method, page.path, _encode(page.data), "application/x-www-form-urlencoded"
        )
        assert response.status_code == page.status, page
        if not response["Content-Type"].startswith("text/html") or 300 <= page.status < 400:
            continue
        name = f"{i:03d}-{_slug(page.label)}.html"
        (tmp_path / name).write_bytes(response.content)
        files.append(tmp_path / name)
    lockout = tmp_path / "lockout.html"
    lockout.write_bytes(_lockout_page(world))
    # Error pages rendered without a request, as their handlers do.
    for template in ("400.html", "500.html", "503.html"):
        (tmp_path / template).write_text(loader.render_to_string(template))
        files.append(tmp_path / template)
    files.append(lockout)

    errors = validate(files)
    for label, known in KNOWN_ADMIN_ERRORS:
        name = next((f.name for f in files if f.name.endswith(_slug(label) + ".html")), None)
        if name in errors:
            errors[name] = [e for e in errors[name] if known not in e]
    errors = {name: found for name, found in errors.items() if found}

    assert len(files) > 20
    assert not errors, "\n".join(f"{name}:\n  " + "\n  ".join(e) for name, e in errors.items())


def test_vnu_finds_an_error(tmp_path):
    """The test above can fail."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div></span>")
    assert validate([bad])


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower())


def _encode(data):
    from urllib.parse import urlencode

    return urlencode(data) if data else ""


def _lockout_page(world) -> bytes:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alex", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "alex", "password": PASSWORD})
    assert response.status_code == 429
    return response.content
