#!/usr/bin/env bash
# make lighthouse: Lighthouse's performance score, as a phone on slow 4G
# (its default mobile form factor and simulated throttling), for four pages
# served as in production: DEBUG off, collectstatic's hashed and compressed
# files served by ServeStatic, gunicorn with uvicorn's worker
# (bench/topology.sh), plain HTTP on loopback as bench/run.sh serves it.
#
#   join        /workshops/join/              a phone, signed out
#   team        /teams/repeat-prescriptions/  the demo team with a history, charts and all
#   playbook    /playbook/                    the playbook list
#   facilitator /workshops/<pk>/              the facilitator's screen of a live workshop
#
# The data is the demo data (`make run`'s) in a throwaway SQLite file, plus
# one live workshop. The signed-in pages use a session made directly for the
# demo facilitator and put in the browser's cookie jar (bench/lighthouse/run.mjs
# says why not --extra-headers): signing in through the form would hash a
# password and is not what is measured.
#
# Prints each page's score and metrics and writes Lighthouse's JSON reports
# and summary.json (bench/lighthouse/summary.py) under bench-results/lighthouse/.
# Lighthouse's figures move from run to run and with the machine's load, so
# each page is measured RUNS times (default 5) and the median run reported,
# as Lighthouse's own advice on variability says. CHROME_PATH (default
# /usr/bin/chromium), PAGES (a subset of "join team playbook facilitator",
# default all). `make lighthouse` installs Lighthouse first.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
PAGES=${PAGES:-join team playbook facilitator}
RUNS=${RUNS:-5}
OUT=bench-results/lighthouse
mkdir -p "$OUT"
rm -f "$OUT"/*.json

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "Load average before: $LOAD_BEFORE"

RUN_DIR=$(mktemp -d)
cleanup() {
  bench/topology.sh stop "$RUN_DIR" || true
  [ -f "$RUN_DIR/app1.log" ] && cp "$RUN_DIR/app1.log" "$OUT/server.log"
  rm -rf "$RUN_DIR"
}
trap cleanup EXIT

# Production settings, plain HTTP on loopback: TLS ends at the load balancer.
export DATABASE_URL=sqlite:///$RUN_DIR/db.sqlite3 DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0
export STATIC_ROOT=$RUN_DIR/static LOG_LEVEL=WARNING WEB_CONCURRENCY=1
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py collectstatic --noinput -v0
"$PY" manage.py load_models >/dev/null
"$PY" manage.py seed_demo --force >/dev/null

# A live workshop as the "new workshop" form makes it, and the facilitator's
# session; prints "<session key> <workshop pk>".
SETUP=$("$PY" manage.py shell -v0 -c '
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from maturity.models import MaturityModel
from teams.models import Team
from workshops.models import Workshop

user = get_user_model().objects.get(username="facilitator")
model = MaturityModel.default()
workshop = Workshop.objects.create(
    team=Team.objects.get(slug="repeat-prescriptions"),
    facilitator=user,
    title="Lighthouse workshop",
    held_on=timezone.localdate(),
    model=model,
    rubric=model.snapshot(),
)
session = SessionStore()
session.update(
    {
        "_auth_user_id": str(user.pk),
        "_auth_user_backend": "identity.backends.PasswordBackend",
        "_auth_user_hash": user.get_session_auth_hash(),
    }
)
session.set_expiry(timedelta(hours=1))
session.save()
print(session.session_key, workshop.pk)
')
read -r SESSION WORKSHOP <<<"$SETUP"

URL=$(bench/topology.sh start one "$RUN_DIR")
echo "Service: $URL (gunicorn 1 x uvicorn worker, production settings, SQLite)"

declare -A PATHS=(
  [join]=/workshops/join/
  [team]=/teams/repeat-prescriptions/
  [playbook]=/playbook/
  [facilitator]=/workshops/$WORKSHOP/
)
# A server that has been up a while: each page asked for once, so the first
# run's time to first byte is not the process compiling its templates.
for page in $PAGES; do
  curl -sf -o /dev/null -b "sessionid=$SESSION" "$URL${PATHS[$page]}"
done
for page in $PAGES; do
  path=${PATHS[$page]:?unknown page $page (join team playbook facilitator)}
  signed_in=("$SESSION")
  [ "$page" = join ] && signed_in=()  # a phone joining is signed out
  for run in $(seq 1 "$RUNS"); do
    echo "Lighthouse: $page ($path), run $run of $RUNS"
    # Now and then Lighthouse fails to record a trace (NO_NAVSTART): try again.
    for attempt in 1 2 3; do
      node bench/lighthouse/run.mjs "$URL$path" "$OUT/$page-$run.json" "${signed_in[@]}" && break
      [ "$attempt" = 3 ] && exit 1
    done
  done
done

echo "The median of $RUNS run(s) a page:"
"$PY" bench/lighthouse/summary.py "$OUT" "$PAGES" "runs=$RUNS" \
  "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" "started_at=$STARTED" \
  "load_average_before=$LOAD_BEFORE" "load_average_after=$(cut -d' ' -f1-3 /proc/loadavg)"
