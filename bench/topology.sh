#!/usr/bin/env bash
# The service on loopback, as one gunicorn or as two behind nginx (round
# robin), for `make bench` and for tests that need real servers.
#
#   bench/topology.sh start one|two RUN_DIR   prints the front URL
#   bench/topology.sh stop RUN_DIR
#
# The caller's environment carries the settings (DATABASE_URL, SECRET_KEY,
# DEBUG=false ...). In "two" mode each server gets half the workers so the
# CPU budget matches "one"; responses carry X-Upstream naming the server.
# BENCH_PORT: the server's port in "one" mode (default: a free one).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_for() {
  local url=$1
  for _ in $(seq 1 150); do
    if "$PY" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$url" 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  echo "no answer from $url" >&2
  return 1
}

start_gunicorn() {  # name port workers
  local name=$1 port=$2 workers=$3
  BIND="127.0.0.1:$port" WEB_CONCURRENCY=$workers PYTHONMALLOC=malloc "$PY" -m gunicorn -c config/gunicorn.conf.py \
    --daemon --capture-output --pid "$RUN_DIR/$name.pid" --error-logfile "$RUN_DIR/$name.log" \
    config.asgi
  wait_for "http://127.0.0.1:$port/bench/baseline"
}

start_nginx() {  # port upstream-port...
  local port=$1
  shift
  mkdir -p "$RUN_DIR/nginx/tmp"
  chmod 755 "$RUN_DIR"
  chmod 777 "$RUN_DIR/nginx/tmp"
  {
    echo "worker_processes 1;"
    echo "pid $RUN_DIR/nginx/nginx.pid;"
    echo "error_log $RUN_DIR/nginx/error.log warn;"
    echo "events { worker_connections 4096; }"
    echo "http {"
    echo "  access_log off;"
    for kind in client_body proxy fastcgi uwsgi scgi; do
      echo "  ${kind}_temp_path $RUN_DIR/nginx/tmp/$kind;"
    done
    echo "  upstream maturity {"
    for upstream in "$@"; do echo "    server 127.0.0.1:$upstream;"; done
    echo "    keepalive 32;"
    echo "    keepalive_timeout 4s;"
    echo "  }"
    echo "  server {"
    echo "    listen 127.0.0.1:$port;"
    echo "    client_max_body_size 1m;"
    # Which app server answered, for the tests of two servers; a test
    # topology's header only, never in the shipped config/nginx/ files.
    echo "    add_header X-Upstream \$upstream_addr always;"
    # The streams: the example in docs/operators.md (config/nginx/streams.conf), or,
    # with BUFFERED_STREAMS=1, a proxy that buffers them whatever the
    # service asks (for the fallback poll's test).
    if [ "${BUFFERED_STREAMS:-0}" = 1 ]; then
      echo "    location ~ /events/\$ {"
      echo "      proxy_pass http://maturity;"
      echo "      proxy_http_version 1.1;"
      echo "      proxy_set_header Connection \"\";"
      echo "      proxy_set_header Host \$http_host;"
      echo "      proxy_buffering on;"
      echo "      proxy_ignore_headers X-Accel-Buffering;"
      echo "      proxy_read_timeout 60s;"
      echo "    }"
    else
      sed 's/^/    /' config/nginx/streams.conf
    fi
    echo "    location / {"
    echo "      proxy_pass http://maturity;"
    echo "      proxy_http_version 1.1;"
    echo "      proxy_set_header Connection \"\";"
    echo "      proxy_set_header Host \$http_host;  # with its port, as the browser sent it (CSRF compares Origin with it)"
    echo "      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;"
    echo "      proxy_set_header X-Forwarded-Proto \$scheme;"
    echo "    }"
    echo "  }"
    echo "}"
  } >"$RUN_DIR/nginx/nginx.conf"
  nginx -p "$RUN_DIR/nginx" -c "$RUN_DIR/nginx/nginx.conf"
  wait_for "http://127.0.0.1:$port/bench/baseline"
}

start() {
  local mode=$1 workers=${WEB_CONCURRENCY:-2}
  case "$mode" in
    one)
      local port
      port=${BENCH_PORT:-$(free_port)}
      start_gunicorn app1 "$port" "$workers" >&2
      echo "http://127.0.0.1:$port"
      ;;
    two)
      local front p1 p2 half=$(( workers > 1 ? workers / 2 : 1 ))
      front=$(free_port)
      p1=$(free_port)
      p2=$(free_port)
      start_gunicorn app1 "$p1" "$half" >&2
      start_gunicorn app2 "$p2" "$half" >&2
      start_nginx "$front" "$p1" "$p2" >&2
      echo "$p1 $p2" >"$RUN_DIR/upstreams"
      echo "http://127.0.0.1:$front"
      ;;
    *)
      echo "mode must be one or two, not $mode" >&2
      return 2
      ;;
  esac
}

stop() {
  if [ -f "$RUN_DIR/nginx/nginx.pid" ]; then
    nginx -p "$RUN_DIR/nginx" -c "$RUN_DIR/nginx/nginx.conf" -s quit 2>/dev/null || true
  fi
  for pidfile in "$RUN_DIR"/app*.pid; do
    [ -f "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  for pidfile in "$RUN_DIR"/app*.pid "$RUN_DIR/nginx/nginx.pid"; do
    for _ in $(seq 1 50); do [ -f "$pidfile" ] || break; sleep 0.1; done
  done
}

command=${1:-}
case "$command" in
  start) RUN_DIR=$3; start "$2" ;;
  stop) RUN_DIR=$2; stop ;;
  *) echo "usage: $0 start one|two RUN_DIR | stop RUN_DIR" >&2; exit 2 ;;
esac
