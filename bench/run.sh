#!/usr/bin/env bash
# make bench: a throwaway PostgreSQL and the service under gunicorn (uvicorn's
# worker) with production settings (MODE=one, or MODE=two: two servers behind
# nginx), all pinned to the service's core(s); a seeded dataset; then, from
# the other core, nine measurements against 127.0.0.1 only, each stopping by
# itself. Every screen and phone holds an event stream (bench/<scenario>.py on
# bench/client.py: asyncio and aiohttp); none polls.
#
#   1. start: 50 rooms x 10 phones joining within 60 s
#   2. workshop: the steady state after warm-up, table per group, fan-out
#   3. poll: the unchanged room fetch (the fallback poll) vs baseline (wrk)
#   4. idle: 2,000 idle open streams: the service core's busy time, memory a stream
#   5. cpu: CPU per request, one at a time on the idle service
#   6. pages: CPU per request of every page a person reads, one at a time on
#      the idle service, and each page's queries (pg_stat_statements)
#   7. capacity: live workshops in steps until a p95 > 150 ms, an error or a
#      refusal; then twice the workshops held (overload) and the recovery
#   8. pages again, the playbook's only, grown to PLAYBOOK_LARGE entries
#   9. streams: 10,000 idle streams on the one process (its threads, memory,
#      busy share, heartbeat), then a flood of 20,000 openings in 30 s, each
#      held or refused within a second, and a vote's way to its room's screens
#      in the middle of it (last: it leaves the process holding what it holds)
#
# and the tables + bench-results/bench.json (bench/report.py).
#
# DURATION (s measured in 2, default 60), BENCH_LIVE_WORKSHOPS (in 1-3,
# default 50), IDLE_STREAMS (in 4, default 2000), CAPACITY_STEPS (workshop
# counts, default below; empty skips the sweep), STEP_S (s measured per step
# and in the overload, default 20), SERVICE_CPUS and LOAD_CPUS (taskset
# lists, default 0 and 1), MODE (one|two), WEB_CONCURRENCY (default 1: one
# process per service core), PLAYBOOK_LARGE (entries in 8, default 100000),
# STREAMS_IDLE, STREAMS_FLOOD, STREAMS_FLOOD_S (in 9, default 10000, 20000, 30),
# SCENARIOS (which of "start workshop poll idle cpu pages capacity streams" to
# run, default all: a partial run's figures are not the ones docs/contributors.md
# quotes), PG_PORT and BENCH_PORT (default: free ports).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
MODE=${MODE:-one}
DURATION=${DURATION:-60}
LIVE=${BENCH_LIVE_WORKSHOPS:-50}
# From a few rooms up, so a service that cannot hold 100 still gets a figure.
CAPACITY_STEPS=${CAPACITY_STEPS-10,25,50,100,200,300,400}
STEP_S=${STEP_S:-20}
IDLE_STREAMS=${IDLE_STREAMS:-2000}
STREAMS_IDLE=${STREAMS_IDLE:-10000}
STREAMS_FLOOD=${STREAMS_FLOOD:-20000}
STREAMS_FLOOD_S=${STREAMS_FLOOD_S:-30}
SCENARIOS=${SCENARIOS:-start workshop poll idle cpu pages capacity streams}
only() { [[ " $SCENARIOS " == *" $1 "* ]]; }
PLAYBOOK_LARGE=${PLAYBOOK_LARGE:-100000}
export WEB_CONCURRENCY=${WEB_CONCURRENCY:-1}
OUT=bench-results
mkdir -p "$OUT"
rm -f "$OUT"/{start,workshop,poll,idle,cpu,pages,pages-large,capacity,streams,bench}.json "$OUT"/server-*.log

# The tools, from Debian's packages (as .ci/run installs its own).
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v taskset >/dev/null || need+=(util-linux)
[ "$MODE" = two ] && ! command -v nginx >/dev/null && need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "make bench needs: ${need[*]} (apt-get install ${need[*]})" >&2
    exit 1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Service and load on their own cores. Pinning this shell pins everything it
# starts (PostgreSQL, gunicorn, the setup); the generators are started on
# LOAD_CPUS explicitly.
if [ "$(nproc)" -ge 2 ]; then
  SERVICE_CPUS=${SERVICE_CPUS:-0}
  LOAD_CPUS=${LOAD_CPUS:-1}
  taskset -cp "$SERVICE_CPUS" $$ >/dev/null
  LOAD=(taskset -c "$LOAD_CPUS")
else
  echo "One CPU: service and load share it; the figures measure both." >&2
  SERVICE_CPUS=all LOAD_CPUS=all LOAD=()
fi
export LOAD_CPUS
SERVICE_CORES=$("$PY" -c 'import os; print(len(os.sched_getaffinity(0)))')
# A stream per simulated phone and screen, in the generator and in the service
# (the streams scenario holds 10,000 and more): as many as the system allows.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" -lt 16384 ]; then
  echo "Open files limited to $(ulimit -n): the generator's streams need more (ulimit -n 65536 as root)." >&2
fi
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "Load average before: $LOAD_BEFORE (figures are trustworthy below about 0.5)"

# shellcheck source=scripts/pg.sh
source scripts/pg.sh
PG_PORT=${PG_PORT:-$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
export PG_PORT
# pg_stat_statements counts the pages' queries (6 and 8). Loaded whatever
# SCENARIOS holds, so no scenario's figures depend on the others chosen; its
# counting is off (below) except while the pages scenario runs. Query ids are
# computed throughout: a statement gets its id when it is parsed, and the
# service prepares its statements (config/settings.py) long before the pages
# scenario, so an id computed only then would leave them all uncounted.
export PG_SERVER_OPTIONS="-c shared_preload_libraries=pg_stat_statements"
RUN_DIR=$(mktemp -d)
cleanup() {
  bench/topology.sh stop "$RUN_DIR" || true
  # The servers' logs outlive the run: an error in the table has its cause there.
  for log in "$RUN_DIR"/app*.log; do [ -f "$log" ] && cp "$log" "$OUT/server-$(basename "$log")"; done
  pg_stop
  rm -rf "$RUN_DIR"
}
trap cleanup EXIT
pg_start
# Settings that ALTER SYSTEM can turn on and off again: a -c would win.
for sql in "create extension pg_stat_statements" "alter system set compute_query_id = on" \
  "alter system set pg_stat_statements.track = none" \
  "alter system set pg_stat_statements.track_utility = off" "select pg_reload_conf()"; do
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d maturity -qAtc "$sql" >/dev/null
done

# Production settings, plain HTTP on loopback: TLS ends at the load balancer.
export DATABASE_URL=$PG_URL DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0
export STATIC_ROOT=$RUN_DIR/static LOG_LEVEL=WARNING
[ "$MODE" = two ] && export BEHIND_PROXY=true

# Live workshops: LIVE for the start, LIVE for the steady state, twice the
# sweep's largest step (the overload), the idle streams' rooms, the CPU
# table's, one for the pages, and the streams scenario's rooms (a
# facilitator's screen and ten phones each, the phones joined by the seed).
LARGEST_STEP=$(echo "${CAPACITY_STEPS:-0}" | tr , '\n' | sort -n | tail -1)
IDLE_ROOMS=$(((IDLE_STREAMS + 9) / 10))
CPU_ROOMS=10
CAPACITY_FIRST=$((2 * LIVE))
IDLE_FIRST=$((CAPACITY_FIRST + 2 * LARGEST_STEP))
CPU_FIRST=$((IDLE_FIRST + IDLE_ROOMS))
PAGES_FIRST=$((CPU_FIRST + CPU_ROOMS))
STREAMS_FIRST=$((PAGES_FIRST + 1))
STREAMS_ROOMS=0
if only streams; then STREAMS_ROOMS=$(((STREAMS_IDLE + 10) / 11 > 2 ? (STREAMS_IDLE + 10) / 11 : 2)); fi
export BENCH_LIVE_WORKSHOPS=$((STREAMS_FIRST + STREAMS_ROOMS))
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py collectstatic --noinput -v0
"$PY" manage.py load_models
BENCH_STREAM_FIRST=$STREAMS_FIRST BENCH_STREAM_ROOMS=$STREAMS_ROOMS "$PY" bench/seed.py "$OUT/sessions.json"

URL=$(bench/topology.sh start "$MODE" "$RUN_DIR")
PG_PID=$(head -1 "$PG_DIR/data/postmaster.pid")
APP_PID=$(cat "$RUN_DIR/app1.pid")
affinity() { taskset -pc "$1" | sed 's/.*: //'; }
echo "Service: $URL ($MODE; gunicorn ${WEB_CONCURRENCY} x uvicorn worker on CPU $(affinity "$APP_PID"), PostgreSQL on CPU $(affinity "$PG_PID")); load on CPU $LOAD_CPUS"

push_run() {  # scenario first-workshop [env...]: bench/<scenario>.py writes $OUT/<scenario>.json
  local scenario=$1 first=$2
  shift 2
  env BENCH_URL="$URL" BENCH_FIRST="$first" \
    BENCH_SESSIONS="$OUT/sessions.json" BENCH_RESULT="$OUT/$scenario.json" \
    BENCH_SERVICE_CPUS="$SERVICE_CPUS" BENCH_APP_PIDFILES="$(echo "$RUN_DIR"/app*.pid)" \
    BENCH_PG_PIDFILE="$PG_DIR/data/postmaster.pid" "$@" \
    "${LOAD[@]}" timeout 20m "$PY" "bench/$scenario.py" >>"$OUT/push.log" 2>&1 ||
    echo "   (bench/$scenario.py failed: see $OUT/push.log)" >&2
}
: >"$OUT/push.log"

if only start; then
  echo "1/9 Start of workshop: $LIVE rooms x 10 phones joining within 60 s"
  push_run start 0 BENCH_WORKSHOPS="$LIVE" BENCH_MEASURE_S="${START_S:-60}"
fi
if only workshop; then
  echo "2/9 Live workshops: $LIVE workshops and 23 others, warm-up, then ${DURATION} s"
  push_run workshop "$LIVE" BENCH_WORKSHOPS="$LIVE" BENCH_MEASURE_S="$DURATION"
fi
if only poll; then
  echo "3/9 Unchanged room fetch (the fallback poll) against the baseline (wrk)"
  "${LOAD[@]}" "$PY" bench/poll.py "$URL" "$OUT/sessions.json" "$LIVE" "$LIVE" "$OUT/poll.json"
fi
if only idle; then
  echo "4/9 Idle streams: $IDLE_STREAMS phones holding their streams, nothing else"
  push_run idle "$IDLE_FIRST" BENCH_IDLE_STREAMS="$IDLE_STREAMS"
fi
if only cpu; then
  echo "5/9 CPU per request, one at a time on the idle service"
  push_run cpu "$CPU_FIRST"
fi
if only pages; then
  echo "6/9 Pages: every page a person reads, one at a time on the idle service"
  push_run pages "$PAGES_FIRST" BENCH_ENTRIES_NOW="${BENCH_ENTRIES:-10000}"
fi
if [ -n "$CAPACITY_STEPS" ] && only capacity; then
  echo "7/9 Capacity sweep: $CAPACITY_STEPS live workshops, ${STEP_S} s each, until a p95 > 150 ms, an error or a refusal; then twice the capacity"
  push_run capacity "$CAPACITY_FIRST" BENCH_STEPS="$CAPACITY_STEPS" BENCH_MEASURE_S="$STEP_S"
fi

if only pages; then
  echo "8/9 Pages: the playbook's again, grown to $PLAYBOOK_LARGE entries"
  "$PY" bench/seed.py --grow-playbook "$PLAYBOOK_LARGE"
  push_run pages "$PAGES_FIRST" BENCH_PAGES=playbook BENCH_ENTRIES_NOW="$PLAYBOOK_LARGE" \
    BENCH_RESULT="$OUT/pages-large.json"
fi
if only streams; then
  echo "9/9 Streams: $STREAMS_IDLE idle streams on one process, then $STREAMS_FLOOD openings in $STREAMS_FLOOD_S s"
  push_run streams "$STREAMS_FIRST" BENCH_STREAMS_IDLE="$STREAMS_IDLE" \
    BENCH_STREAMS_FLOOD="$STREAMS_FLOOD" BENCH_STREAMS_FLOOD_S="$STREAMS_FLOOD_S"
fi

"$PY" bench/report.py "$OUT" \
  "mode=$MODE" "started_at=$STARTED" "duration_s=$DURATION" "live_workshops=$LIVE" \
  "workers=$WEB_CONCURRENCY" \
  "service_cpus=$SERVICE_CPUS" "service_cores=$SERVICE_CORES" "load_cpus=$LOAD_CPUS" \
  "gunicorn_affinity=$(affinity "$APP_PID")" "postgres_affinity=$(affinity "$PG_PID")" \
  "generators=bench/<scenario>.py on bench/client.py: asyncio + aiohttp (scenarios; streams: bare asyncio connections), wrk (fallback poll ratio)" \
  "live_max_streams=${LIVE_MAX_STREAMS:-default}" \
  "max_requests_in_flight=${MAX_REQUESTS_IN_FLIGHT:-default}" \
  "live_heartbeat_seconds=${LIVE_HEARTBEAT_SECONDS:-default}" \
  "load_average_before=$LOAD_BEFORE" "load_average_after=$(cut -d' ' -f1-3 /proc/loadavg)" \
  "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
