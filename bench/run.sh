#!/usr/bin/env bash
# make bench: a throwaway PostgreSQL, the service under gunicorn with
# production settings (MODE=one, or MODE=two: two servers behind nginx),
# a seeded dataset, a bounded headless locust run against 127.0.0.1, and
# the table + bench-results/bench.json.
#
# DURATION (seconds, default 60), USERS (default: every user class's fixed
# count in bench/locustfile.py, 573 for 50 live workshops), SPAWN_RATE (default 50),
# BENCH_LIVE_WORKSHOPS (default 50),
# MODE (one|two), WEB_CONCURRENCY and THREADS (see config/gunicorn.conf.py).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
MODE=${MODE:-one}
DURATION=${DURATION:-60}
LIVE=${BENCH_LIVE_WORKSHOPS:-50}
# 11 people per live workshop, 20 browsing, 2 on the baseline, 1 health check.
USERS=${USERS:-$((LIVE * 11 + 23))}
SPAWN_RATE=${SPAWN_RATE:-50}
OUT=bench-results
mkdir -p "$OUT"

# shellcheck source=scripts/pg.sh
source scripts/pg.sh
PG_PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export PG_PORT
RUN_DIR=$(mktemp -d)
cleanup() {
  bench/topology.sh stop "$RUN_DIR" || true
  pg_stop
  rm -rf "$RUN_DIR"
}
trap cleanup EXIT
pg_start

# Production settings, plain HTTP on loopback: TLS ends at the load balancer.
export DATABASE_URL=$PG_URL DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0
export STATIC_ROOT=$RUN_DIR/static LOG_LEVEL=WARNING
[ "$MODE" = two ] && export BEHIND_PROXY=true

"$PY" manage.py migrate --noinput -v0
"$PY" manage.py collectstatic --noinput -v0
"$PY" manage.py load_models
"$PY" bench/seed.py

URL=$(bench/topology.sh start "$MODE" "$RUN_DIR")
echo "Load: $USERS users for ${DURATION}s against $URL ($MODE server(s))"
# locust exits non-zero when a request failed; the report says which.
# --reset-stats: count from the end of ramp-up (sign-in hashes passwords on
# purpose, slowly; a burst of them is not the steady state we measure).
.venv/bin/locust -f bench/locustfile.py --headless --host "$URL" \
  -u "$USERS" -r "$SPAWN_RATE" -t "${DURATION}s" --stop-timeout 5 --reset-stats \
  --csv "$OUT/locust" --only-summary --loglevel WARNING >"$OUT/locust.log" 2>&1 || true

"$PY" bench/report.py "$OUT/locust_stats.csv" "$OUT/bench.json" \
  "mode=$MODE" "duration_s=$DURATION" "users=$USERS" \
  "workers=${WEB_CONCURRENCY:-2}" "threads=${THREADS:-4}" \
  "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
