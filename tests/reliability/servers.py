"""Real servers for reliability tests: a throwaway PostgreSQL (scripts/pg.sh)
that a test can stop and start, and the service under gunicorn with
production settings on loopback."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg(command: str, pg_dir: str = "", port: int = 0) -> str:
    script = f'source scripts/pg.sh; export PG_PORT={port} PG_DIR="{pg_dir}"; {command}'
    return subprocess.run(
        ["bash", "-c", script], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


@dataclass
class Postgres:
    port: int
    pg_dir: str = ""

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/maturity"

    def start(self) -> Postgres:
        self.pg_dir = _pg('pg_start >/dev/null; echo "$PG_DIR"', port=self.port).strip()
        return self

    def down(self) -> None:
        _pg("pg_down", self.pg_dir, self.port)

    def up(self) -> None:
        _pg("pg_up", self.pg_dir, self.port)

    def remove(self) -> None:
        if self.pg_dir:
            _pg("pg_stop", self.pg_dir, self.port)


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """Production settings, but plain HTTP on loopback (TLS ends at the load
    balancer in production, and there is none here)."""
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        SECURE_HSTS_SECONDS="0",
        **extra,
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


SIGNED_IN_SESSION = """
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
user = get_user_model().objects.create_user("reliability", password="a-long-password")
s = SessionStore()
s["_auth_user_id"] = str(user.pk)
s["_auth_user_backend"] = "identity.backends.PasswordBackend"
s["_auth_user_hash"] = user.get_session_auth_hash()
s.create()
print(s.session_key)
"""


def prepare_database(env: dict[str, str]) -> str:
    """Migrate, load the rubric and sign someone in; returns the session key."""
    manage(env, "migrate", "--noinput")
    manage(env, "load_models")
    return manage(env, "shell", "-c", SIGNED_IN_SESSION).strip().splitlines()[-1]


class Gunicorn:
    """The service as production runs it: gunicorn with uvicorn's worker."""

    def __init__(self, env: dict[str, str], port: int, workers: int = 1):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "config/gunicorn.conf.py",
                "config.asgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.wait_until_up()

    def wait_until_up(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn died: {self.process.stderr.read().decode()}")
            try:
                get(self.url + "/bench/baseline")
                return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@contextmanager
def database_and_server(static_root: Path, **extra: str) -> Iterator[tuple]:
    """A throwaway PostgreSQL, migrated, with someone signed in, and one
    gunicorn on it: yields (postgres, env, server, session key)."""
    pg = Postgres(free_port()).start()
    server = None
    try:
        env = production_env(pg.url, STATIC_ROOT=str(static_root), **extra)
        session_key = prepare_database(env)
        server = Gunicorn(env, free_port())
        yield pg, env, server, session_key
    finally:
        if server:
            server.stop()
        pg.remove()


class Topology:
    """bench/topology.sh: one gunicorn, or two behind nginx (round robin)."""

    def __init__(self, env: dict[str, str], mode: str, run_dir: Path):
        self.env, self.run_dir = env, run_dir
        self.url = subprocess.run(
            ["bash", "bench/topology.sh", "start", mode, str(run_dir)],
            cwd=ROOT,
            env=dict(env, PY=sys.executable),
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    @property
    def upstreams(self) -> list[str]:
        ports = (self.run_dir / "upstreams").read_text().split()
        return [f"http://127.0.0.1:{port}" for port in ports]

    def stop_upstream(self, address: str) -> None:
        """Stop the server at `address` (host:port), as a deploy would."""
        port = address.rsplit(":", 1)[1]
        ports = (self.run_dir / "upstreams").read_text().split()
        pidfile = self.run_dir / f"app{ports.index(port) + 1}.pid"
        pid = int(pidfile.read_text())
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        raise TimeoutError(f"the server at {address} did not stop")

    def stop(self) -> None:
        subprocess.run(["bash", "bench/topology.sh", "stop", str(self.run_dir)], cwd=ROOT)


@dataclass
class Answer:
    status: int
    body: str
    headers: dict

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")


def get(url: str, cookie: str = "") -> Answer:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Answer(response.status, response.read().decode(), _headers(response.headers))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read().decode(), _headers(error.headers))


def _headers(message) -> dict:
    """Header names as Title-Case whatever the server sent (uvicorn sends
    them in lower case, as HTTP allows)."""
    return {name.title(): value for name, value in message.items()}
