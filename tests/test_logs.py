"""Log lines an operator can read: an expected refusal is one line with its
reason, path and request id; tracebacks are for errors; LOG_FORMAT=json
writes one JSON object a line."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from tests.reliability.servers import free_port
from tests.test_settings import import_settings


@pytest.mark.django_db
def test_a_refusal_is_one_line_with_its_reason_path_and_request_id(member_a_client, log_lines):
    response = member_a_client.get(reverse("workshops:list"))
    assert response.status_code == 403
    request_id = response["X-Request-ID"]
    lines = log_lines()
    assert len(lines) == 1, lines
    line = lines[0]
    assert "WARNING django.request" in line and f"[{request_id}]" in line
    assert "Forbidden" in line and "/workshops/" in line
    assert "Only facilitators run workshops." in line
    assert "Traceback" not in line


@pytest.mark.django_db
def test_a_page_not_found_is_logged_once_with_its_request_id(client, log_lines):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    (line,) = log_lines()
    assert f"[{response['X-Request-ID']}]" in line and "Not Found: /no-such-page/" in line


@pytest.mark.django_db
def test_a_request_id_from_the_load_balancer_is_kept_and_nonsense_is_replaced(client):
    given = "lb-7f3a9c2e-0001"
    assert client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    made_up = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert made_up != "<script>" and len(made_up) == 32


ERROR_AND_REFUSAL = """
import logging, django
django.setup()
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
request = RequestFactory().get("/workshops/")
log = logging.getLogger("django.request")
try:
    raise PermissionDenied("Only facilitators run workshops.")
except PermissionDenied:
    log.warning("Forbidden (Permission denied): %s", request.path,
                extra={"status_code": 403, "request": request}, exc_info=True)
try:
    1 / 0
except ZeroDivisionError:
    log.error("Internal Server Error: %s", request.path,
              extra={"status_code": 500, "request": request}, exc_info=True)
"""


def test_json_logs_are_one_object_a_line_and_keep_tracebacks_for_errors():
    env = {
        **os.environ,
        "LOG_FORMAT": "json",
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", ERROR_AND_REFUSAL],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    refusal, error = (json.loads(line) for line in result.stderr.splitlines())
    assert refusal["level"] == "WARNING" and refusal["logger"] == "django.request"
    assert refusal["status_code"] == 403 and refusal["path"] == "/workshops/"
    assert "Only facilitators run workshops." in refusal["message"]
    assert refusal["request_id"] == "-" and "exc_info" not in refusal
    assert error["status_code"] == 500 and "ZeroDivisionError" in error["exc_info"]


def test_an_unknown_log_format_is_refused():
    result = import_settings(DEBUG="true", LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be text or json" in result.stderr


@pytest.mark.django_db
def test_the_access_log_is_one_line_a_request_with_its_id(client, log_lines):
    access = logging.getLogger("access")
    before = access.level
    access.setLevel(logging.INFO)  # ACCESS_LOG=true
    try:
        response = client.get("/healthz")
    finally:
        access.setLevel(before)
    (line,) = log_lines()
    assert f"INFO access [{response['X-Request-ID']}] GET /healthz 200 " in line


def test_gunicorn_says_where_it_listens_and_that_it_is_ready(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "test-only-secret-key",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "WEB_CONCURRENCY": "1",
        "BIND": f"127.0.0.1:{port}",
        "XDG_RUNTIME_DIR": str(tmp_path),
        "HOME": str(tmp_path),
    }
    env.pop("GUNICORN_LOG_LEVEL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.asgi"],
        cwd=settings.BASE_DIR,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        for line in server.stderr:
            lines.append(line)
            if "Ready" in line or len(lines) > 50:
                break
    finally:
        server.terminate()
        server.wait(timeout=20)
    said = "".join(lines)
    assert f"Listening at: http://127.0.0.1:{port}" in said, said
    assert f"Ready: serving on 127.0.0.1:{port} with 1 worker(s)" in said
    # No control socket, neither in the runtime directory nor at home.
    assert not list(tmp_path.rglob("*.ctl"))
