#!/usr/bin/env bash
# make lighthouse: Lighthouse's performance score (mobile, its default
# simulated slow 4G and CPU) for the pages people open most, on the service
# as deployed: production settings, gunicorn with uvicorn's worker, static
# files compressed and cached as the app serves them, over the demo data on
# a throwaway SQLite database. Writes bench-results/lighthouse/<page>.json and
# prints each score with its metrics.
#
# Lighthouse (npm, pinned below; Node 18.16+) runs Debian's Chromium
# (CHROME_PATH, default /usr/bin/chromium). LIGHTHOUSE_PORT (default 8741).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
LH_VERSION=12.8.2
LH_DIR=.cache/lighthouse-$LH_VERSION
LH=$LH_DIR/node_modules/.bin/lighthouse
PORT=${LIGHTHOUSE_PORT:-8741}
OUT=bench-results/lighthouse
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}

if [ ! -x "$LH" ]; then
  mkdir -p "$LH_DIR"
  npm install --silent --no-audit --no-fund --prefix "$LH_DIR" "lighthouse@$LH_VERSION" >/dev/null
fi

RUN_DIR=$(mktemp -d)
cleanup() {
  [ -f "$RUN_DIR/pid" ] && kill "$(cat "$RUN_DIR/pid")" 2>/dev/null || true
  rm -rf "$RUN_DIR"
}
trap cleanup EXIT

export DATABASE_URL=sqlite:///$RUN_DIR/db.sqlite3 DEBUG=false ALLOWED_HOSTS=127.0.0.1
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0
export STATIC_ROOT=$RUN_DIR/static LOG_LEVEL=WARNING
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py collectstatic --noinput -v0
"$PY" manage.py load_models >/dev/null
DEBUG=true "$PY" manage.py seed_demo >/dev/null  # it refuses to run in production
# The demo facilitator signed in, and a live workshop of theirs on its first area.
read -r SESSION WORKSHOP < <("$PY" manage.py shell -c '
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from maturity.models import MaturityModel
from teams.models import Team
from workshops.models import Workshop
user = get_user_model().objects.get(username="facilitator")
model = MaturityModel.default()
workshop = Workshop.objects.create(
    team=Team.objects.get(slug="repeat-prescriptions"), facilitator=user,
    model=model, rubric=model.snapshot(), step=1,
)
session = SessionStore()
session.update({"_auth_user_id": str(user.pk), "_auth_user_backend": "identity.backends.PasswordBackend",
                "_auth_user_hash": user.get_session_auth_hash()})
session.create()
print(session.session_key, workshop.pk)
' | tail -1)

BIND=127.0.0.1:$PORT WEB_CONCURRENCY=1 .venv/bin/gunicorn -c config/gunicorn.conf.py \
  config.asgi >"$RUN_DIR/server.log" 2>&1 &
echo $! >"$RUN_DIR/pid"
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.2
done

mkdir -p "$OUT"
rm -f "$OUT"/*.json
pages=(
  "join:/workshops/join/"
  "team-page:/teams/repeat-prescriptions/"
  "playbook-list:/playbook/"
  "facilitator-screen:/workshops/$WORKSHOP/"
)
for page in "${pages[@]}"; do
  name=${page%%:*}
  "$LH" "http://127.0.0.1:$PORT${page#*:}" --quiet --only-categories=performance \
    --chrome-flags="--headless=new --no-sandbox" \
    --extra-headers="{\"Cookie\": \"sessionid=$SESSION\"}" \
    --output=json --output-path="$OUT/$name.json"
done
"$PY" - "$OUT" <<'PYEOF'
import json, sys
from pathlib import Path

metrics = {
    "first-contentful-paint": "FCP", "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT", "cumulative-layout-shift": "CLS", "speed-index": "SI",
}
print(f"Lighthouse {json.loads(next(Path(sys.argv[1]).glob('*.json')).read_text())['lighthouseVersion']}, mobile (simulated)")
for path in sorted(Path(sys.argv[1]).glob("*.json")):
    report = json.loads(path.read_text())
    score = round(report["categories"]["performance"]["score"] * 100)
    shown = ", ".join(f"{short} {report['audits'][key]['displayValue']}" for key, short in metrics.items())
    print(f"{path.stem:<20} performance {score:>3}   {shown}")
PYEOF
