# Shared by scripts/test and scripts/demo: configure and build incrementally, and run a
# throw-away PostgreSQL 15 on loopback.

hall_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

hall_build() {
  local preset="$1"
  if [ ! -f "$hall_root/build/$preset/build.ninja" ]; then
    cmake --preset "$preset" -S "$hall_root" >/dev/null
  fi
  cmake --build --preset "$preset" -- -k 0
}

# Starts PostgreSQL in a temporary folder on a free loopback port and exports
# HALL_TEST_PG_URL. PostgreSQL refuses to run as root, so root runs it as the postgres user.
hall_pg_start() {
  local bin=/usr/lib/postgresql/15/bin
  HALL_PG_DIR="$(mktemp -d /tmp/hall-pg.XXXXXX)"
  HALL_PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  local as=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$HALL_PG_DIR"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bin/initdb" -D "$HALL_PG_DIR/data" -U hall -A trust -E UTF8 --no-locale >"$HALL_PG_DIR/initdb.log" 2>&1 \
    || { cat "$HALL_PG_DIR/initdb.log" >&2; return 1; }
  "${as[@]}" "$bin/pg_ctl" -D "$HALL_PG_DIR/data" -l "$HALL_PG_DIR/server.log" -w -t 60 \
    -o "-p $HALL_PG_PORT -k $HALL_PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
    || { cat "$HALL_PG_DIR/server.log" >&2; return 1; }
  export HALL_TEST_PG_URL="postgres://hall@127.0.0.1:$HALL_PG_PORT/postgres"
  export HALL_PG_DIR HALL_PG_PORT
}

hall_pg_stop() {
  [ -n "${HALL_PG_DIR:-}" ] || return 0
  local as=()
  [ "$(id -u)" -eq 0 ] && as=(runuser -u postgres --)
  "${as[@]}" /usr/lib/postgresql/15/bin/pg_ctl -D "$HALL_PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$HALL_PG_DIR"
}

hall_env() {
  export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
  if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
    export XDG_RUNTIME_DIR="$(mktemp -d /tmp/hall-xdg.XXXXXX)"
    chmod 700 "$XDG_RUNTIME_DIR"
  fi
}
