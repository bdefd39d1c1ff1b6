"""The guide's backup and restore commands, run as written against a
DATABASE_URL: what was saved comes back, and migrate has nothing to do."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.reliability.servers import ROOT, Postgres, free_port, manage, production_env

COUNTS = """
from maturity.models import Level
from django.contrib.auth import get_user_model
print(Level.objects.count(), get_user_model().objects.filter(username="kept").count())
"""


def counts(env: dict[str, str]) -> list[str]:
    return manage(env, "shell", "-c", COUNTS).splitlines()[-1].split()


def guide_block() -> str:
    guide = (ROOT / "docs" / "operators.md").read_text()
    section = guide.split("**Backups and restore**", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


def test_backup_and_restore_work_as_written_against_a_database_url(tmp_path: Path):
    pg = Postgres(free_port()).start()
    try:
        env = production_env(pg.url, STATIC_ROOT=str(tmp_path))
        manage(env, "migrate", "--noinput")
        manage(env, "load_models")
        manage(
            env,
            "shell",
            "-c",
            "from django.contrib.auth.models import User; User.objects.create_user('kept')",
        )
        before = counts(env)
        # python is this interpreter (the venv's), as on a server with the service installed
        env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
        script = f"set -euo pipefail\ncd {ROOT}\n" + guide_block()
        dump = (
            ROOT
            / subprocess.run(
                ["date", "+maturity-%F.dump"], capture_output=True, text=True
            ).stdout.strip()
        )
        try:
            result = subprocess.run(
                ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=120
            )
        finally:
            dump.unlink(missing_ok=True)
        assert result.returncode == 0, result.stderr
        assert "No migrations to apply" in result.stdout
        restored = dict(env, DATABASE_URL=pg.url.rsplit("/", 1)[0] + "/maturity_restored")
        after = counts(restored)
        assert after == before and int(after[0]) > 0 and after[1] == "1"
    finally:
        pg.remove()
