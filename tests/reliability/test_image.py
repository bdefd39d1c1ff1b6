"""The container image as a platform team runs it (docs/operators.md
"Containers"): against PostgreSQL, its one-off release step (migrate, load
the models), the first admin from the environment, then behind the shipped
nginx site with TLS, someone signs in, starts a workshop, and a phone's
vote reaches the facilitator's screen through nginx.

The image is built before the tests (`make image`; `.ci/run` builds it
from a Debian base it makes itself). Without docker, or without the
image, this test is skipped with the reason; .ci/run sets
REQUIRE_IMAGE_TEST=1 so there it must run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid

import pytest
from playwright.sync_api import expect

from tests.reliability import live_workshop as w
from tests.reliability.servers import Postgres, free_port
from tests.test_deploy_files import nginx_site

IMAGE = os.environ.get("IMAGE", "team-maturity:local")
ADMIN, PASSWORD = "platform-admin", "a-long-password-from-the-secret-store"


def _why_not() -> str:
    if not shutil.which("docker"):
        return "docker is not installed (.ci/run installs docker.io and starts dockerd)"
    if subprocess.run(["docker", "info"], capture_output=True).returncode != 0:
        return "the docker daemon is not running (.ci/run starts dockerd)"
    if subprocess.run(["docker", "image", "inspect", IMAGE], capture_output=True).returncode:
        return f"the image {IMAGE} is not built (make image; .ci/run builds it)"
    if not shutil.which("nginx"):
        return "nginx is not installed (.ci/run installs it)"
    return ""


def docker(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr + result.stdout
    return result


@pytest.fixture
def service(tmp_path):
    """PostgreSQL, the released image behind the shipped nginx site: the
    site's address."""
    why = _why_not()
    if why:
        if os.environ.get("REQUIRE_IMAGE_TEST") == "1":
            pytest.fail(why)
        pytest.skip(why)
    pg = Postgres(free_port()).start()
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    site = f"https://localhost:{https_port}"
    env_file = tmp_path / "maturity.env"
    # Production settings as the guide gives them; nothing relaxed.
    env_file.write_text(
        f"SECRET_KEY={uuid.uuid4().hex}{uuid.uuid4().hex}\n"
        f"DATABASE_URL={pg.url}\n"
        "ALLOWED_HOSTS=localhost\n"
        f"CSRF_TRUSTED_ORIGINS={site}\n"
        f"SITE_URL={site}\n"
        "BEHIND_PROXY=true\n"
        f"BIND=127.0.0.1:{app_port}\n"
        "WEB_CONCURRENCY=2\n"
    )
    name = f"maturity-test-{uuid.uuid4().hex[:8]}"
    run = ["--network=host", "--env-file", str(env_file)]
    conf = nginx_site(tmp_path, listen=(http_port, https_port), upstream=f"127.0.0.1:{app_port}")
    nginx = None
    try:
        released = docker("run", "--rm", *run, IMAGE, "python", "manage.py", "release")
        assert "Released: the database is migrated" in released.stdout
        docker("run", "-d", "--name", name, *run, IMAGE)
        nginx = subprocess.run(["nginx", "-p", str(tmp_path), "-c", str(conf)], check=True)
        for _ in range(100):
            if docker("exec", name, "python", "config/healthcheck.py", check=False).returncode == 0:
                break
            subprocess.run(["sleep", "0.2"])
        else:
            pytest.fail("the container never answered /healthz: " + docker("logs", name).stderr)
        first_admin = [f"DJANGO_SUPERUSER_{k}" for k in ("USERNAME", "EMAIL", "PASSWORD")]
        values = (ADMIN, "platform-admin@example.nhs.uk", PASSWORD)
        docker(
            "exec",
            *[f"--env={k}={v}" for k, v in zip(first_admin, values, strict=True)],
            name,
            "python",
            "manage.py",
            "createsuperuser",
            "--noinput",
        )
        docker("exec", name, "python", "manage.py", "shell", "-c", TEAM)
        yield {"site": site, "http": f"http://localhost:{http_port}", "name": name}
    finally:
        if nginx:
            subprocess.run(["nginx", "-p", str(tmp_path), "-c", str(conf), "-s", "quit"])
        logs = docker("logs", name, check=False)
        docker("rm", "-f", name, check=False)
        pg.remove()
        (tmp_path / "container.log").write_text(logs.stdout + logs.stderr)


TEAM = f"from teams.models import Team; Team.objects.create(name={w.TEAM!r}, slug='rx')"


def test_the_image_serves_a_workshop_through_nginx(service, browser, tmp_path):
    site = service["site"]
    redirect = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", service["http"]],
        capture_output=True,
        text=True,
    ).stdout
    assert redirect.startswith("301 https://localhost")

    screen = w.new_context(browser).new_page()
    phone = None
    try:
        response = screen.goto(f"{site}/accounts/login/")
        headers = response.all_headers()
        assert "strict-transport-security" in headers and headers["server"] == "nginx"
        assert "x-upstream" not in headers and "x-request-id" in headers
        screen.get_by_label("Username").fill(ADMIN)
        screen.get_by_label("Password").fill(PASSWORD)
        screen.get_by_role("button", name="Sign in").click()
        expect(screen.get_by_role("link", name="Workshops").first).to_be_visible()
        cookies = {c["name"]: c for c in screen.context.cookies()}
        assert cookies["sessionid"]["secure"] and cookies["sessionid"]["httpOnly"]

        code, _ = w.create_workshop(screen, site)
        phone = w.join(browser, site, code, "Sam")
        expect(screen.get_by_test_id("joined-count")).to_have_text("1")
        screen.get_by_role("button", name="Next: Collaboration").click()
        w.vote(phone, "Collaboration", 3)
        # Pushed through nginx's unbuffered streams, well inside the 10 s
        # after which a page would give up on its stream and poll.
        expect(screen.get_by_test_id("voted-count")).to_have_text("1", timeout=5_000)
    finally:
        w.close_all(*(p for p in (screen, phone) if p))

    said = docker("logs", service["name"])
    logs = said.stdout + said.stderr
    assert "Ready: serving on" in logs
    # The access log is on in the image, each line with nginx's request id.
    assert re.search(r" INFO access \[[0-9a-f]{32}\] POST /workshops/live/\w+/vote/ 200 ", logs)
