# A throwaway PostgreSQL cluster on loopback, for CI, `make bench` and local
# runs against PostgreSQL. Source this file, then `pg_start` / `pg_stop`.
# Sets PG_URL to a database called "maturity" on the new server.

PG_PORT="${PG_PORT:-55432}"

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$dir" ]; then
    echo "PostgreSQL is not installed (apt-get install postgresql)" >&2
    return 1
  fi
  echo "$dir"
}

as_postgres() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_start() {
  local bin
  bin=$(pg_bin) || return 1
  PG_DIR=$(mktemp -d)
  if [ "$(id -u)" = "0" ]; then chown postgres "$PG_DIR"; fi
  as_postgres "$bin/initdb" -D "$PG_DIR/data" -A trust -U postgres >/dev/null
  pg_up
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "create database maturity" >/dev/null
  export PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/maturity"
  export PG_DIR PG_PORT
  echo "PostgreSQL running on 127.0.0.1:$PG_PORT ($PG_DIR)"
}

# Stop and start the server of $PG_DIR without losing its data (the
# database-outage test and the scale-out test use these). PG_SERVER_OPTIONS:
# more of the server's options (make bench loads pg_stat_statements).
pg_up() {
  [ -f "$PG_DIR/port" ] || echo "$PG_PORT" >"$PG_DIR/port"
  as_postgres "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" \
    -o "-p $(cat "$PG_DIR/port") -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 ${PG_SERVER_OPTIONS:-}" \
    -l "$PG_DIR/log" -w start >/dev/null || {
    # The log goes with the directory: show why before it does.
    tail -n 20 "$PG_DIR/log" >&2
    return 1
  }
}

pg_down() {
  as_postgres "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
}

pg_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    as_postgres "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null || true
    rm -rf "$PG_DIR"
  fi
}
