"""The shipped nginx site and systemd units are valid as shipped: nginx
checks the site (`nginx -t`), systemd the units (`systemd-analyze
verify`), with only the paths a platform team changes for its machine
put in. Each is skipped, saying why, where its tool is missing."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.certs import self_signed
from tests.test_docs import settings_table

ROOT = Path(__file__).resolve().parent.parent
NGINX = ROOT / "config" / "nginx"
SYSTEMD = ROOT / "config" / "systemd"


def nginx_site(directory: Path, listen: tuple[int, int] = (80, 443), upstream: str = "") -> Path:
    """The shipped site, as /etc/nginx would hold it, under `directory`:
    the certificate's paths and (optionally) the ports and app server put in."""
    cert, key = self_signed(directory)
    site = (NGINX / "site.conf").read_text()
    site = site.replace("/etc/ssl/certs/maturity.example.nhs.uk.pem", str(cert))
    site = site.replace("/etc/ssl/private/maturity.example.nhs.uk.key", str(key))
    site = re.sub(r"listen (\[::\]:)?80;", rf"listen \g<1>{listen[0]};", site)
    site = re.sub(r"listen (\[::\]:)?443 ", rf"listen \g<1>{listen[1]} ", site)
    if upstream:
        site = site.replace("server 127.0.0.1:8000;", f"server {upstream};")
    (directory / "site.conf").write_text(site)
    shutil.copy(NGINX / "streams.conf", directory / "maturity-streams.conf")
    temp = directory / "tmp"
    temp.mkdir(exist_ok=True)
    temp.chmod(0o777)
    (directory / "nginx.conf").write_text(
        f"pid {directory}/nginx.pid;\nerror_log {directory}/error.log warn;\n"
        "worker_processes 1;\nevents { worker_connections 1024; }\nhttp {\n"
        f"  access_log {directory}/access.log;\n"
        + "".join(
            f"  {k}_temp_path {temp}/{k};\n"
            for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + "  include site.conf;\n}\n"
    )
    return directory / "nginx.conf"


@pytest.mark.skipif(
    not shutil.which("nginx"), reason="nginx is not installed (.ci/run installs it)"
)
def test_the_nginx_site_is_valid_as_shipped(tmp_path):
    conf = nginx_site(tmp_path)
    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    # nginx 1.25 and later warn that `listen ... http2` is spelt `http2 on` now.
    warnings = [w for w in result.stderr.splitlines() if "[warn]" in w and "http2" not in w]
    assert not warnings, result.stderr


def test_no_shipped_proxy_config_sends_an_internal_address():
    for conf in NGINX.glob("*.conf"):
        text = conf.read_text()
        assert "$upstream_addr" not in text and "X-Upstream" not in text, conf.name
        assert "proxy_pass http://maturity;" in text, conf.name
    streams = (NGINX / "streams.conf").read_text()
    assert "proxy_buffering off;" in streams
    assert "include maturity-streams.conf;" in (NGINX / "site.conf").read_text()


@pytest.mark.skipif(
    not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed (no systemd)"
)
def test_the_systemd_units_are_valid_as_shipped(tmp_path):
    env = tmp_path / "maturity.env"
    env.write_text("SECRET_KEY=x\n")
    units = []
    for unit in sorted(SYSTEMD.iterdir()):
        text = unit.read_text().replace("/opt/maturity", str(ROOT))
        text = text.replace("/etc/maturity/maturity.env", str(env))
        # The service's own user, on a machine that has none.
        text = text.replace("User=maturity", "User=root").replace("Group=maturity", "Group=root")
        (tmp_path / unit.name).write_text(text)
        units.append(str(tmp_path / unit.name))
    assert {Path(u).name for u in units} == {
        "maturity.service",
        "maturity-jobs.service",
        "maturity-jobs.timer",
    }
    result = subprocess.run(
        ["systemd-analyze", "verify", *units], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    # Unknown or misspelt keys are only warned about.
    assert result.stderr.strip() == "", result.stderr
    jobs = (SYSTEMD / "maturity-jobs.service").read_text()
    assert jobs.index("apply_retention") < jobs.index("send_review_reminders")


def test_the_trial_compose_file_uses_the_shipped_site_and_real_settings():
    compose = (ROOT / "compose.yaml").read_text()
    names = set(re.findall(r"^\s+([A-Z][A-Z0-9_]+):", compose, re.M))
    ours = {n for n in names if not n.startswith(("POSTGRES_", "DJANGO_SUPERUSER_"))}
    assert ours and not ours - settings_table(), ours - settings_table()
    # The trial's nginx rewrites only the app server's address in the site.
    assert "sed 's/server 127.0.0.1:8000;/server app:8000;/' /maturity/site.conf" in compose
    assert "server 127.0.0.1:8000;" in (NGINX / "site.conf").read_text()
    for mounted in ("./config/nginx/site.conf", "./config/nginx/streams.conf"):
        assert mounted in compose
    validator = shutil.which("docker-compose")
    if validator:  # Debian's docker-compose, where installed, checks the file's schema
        result = subprocess.run(
            [validator, "-f", "compose.yaml", "config", "-q"], cwd=ROOT, capture_output=True
        )
        assert result.returncode == 0, result.stderr.decode()


def test_every_way_the_server_is_started_uses_the_system_allocator():
    """The image, the systemd unit, `make run`, the benchmark and the guide
    start gunicorn with PYTHONMALLOC=malloc, without which the memory of a
    wave of closed streams stays with the process (docs/operators.md)."""
    image = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^ENV (.*\\\n)*\s*PYTHONMALLOC=malloc", image, re.M)
    assert "Environment=PYTHONMALLOC=malloc" in (SYSTEMD / "maturity.service").read_text()
    for path in ("Makefile", "bench/topology.sh", "docs/operators.md"):
        commands = (ROOT / path).read_text().replace("\\\n", " ").splitlines()
        starts = [command for command in commands if re.search(r"gunicorn\b.* -c ", command)]
        assert starts, path
        for command in starts:
            assert "PYTHONMALLOC=malloc" in command, (path, command)
