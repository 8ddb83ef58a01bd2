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

# Runs "$@" inside a private D-Bus session with a gnome-keyring Secret Service unlocked by a
# throw-away password (QtKeychain, hence modules/security, needs one). The keyring files and
# the daemon's sockets live in a temporary folder, never in the user's keyrings; the daemon
# ends with the session. Fails with a clear message if the Secret Service does not come up.
hall_keyring_run() {
  local tool
  for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
    command -v "$tool" >/dev/null || { echo "hall: $tool is missing (scripts/bootstrap installs it)" >&2; return 1; }
  done
  local dir
  dir="$(mktemp -d /tmp/hall-keyring.XXXXXX)"
  chmod 700 "$dir"
  local rc=0
  HALL_KEYRING_DIR="$dir" dbus-run-session -- bash -c '
    set -u
    mkdir -p "$HALL_KEYRING_DIR/data" "$HALL_KEYRING_DIR/run"
    chmod 700 "$HALL_KEYRING_DIR/run"
    if ! printf %s "hall-test-keyring" | XDG_DATA_HOME="$HALL_KEYRING_DIR/data" XDG_RUNTIME_DIR="$HALL_KEYRING_DIR/run" \
        gnome-keyring-daemon --unlock --components=secrets >"$HALL_KEYRING_DIR/daemon.log" 2>&1; then
      echo "hall: gnome-keyring-daemon could not start:" >&2
      cat "$HALL_KEYRING_DIR/daemon.log" >&2
      exit 97
    fi
    # The daemon claims its bus name a moment after the starting process returns.
    up=0
    for _ in $(seq 1 100); do
      if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
          org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; then
        up=1
        break
      fi
      sleep 0.1
    done
    if [ "$up" -ne 1 ]; then
      echo "hall: gnome-keyring-daemon started but no Secret Service (org.freedesktop.secrets) is on the session bus" >&2
      cat "$HALL_KEYRING_DIR/daemon.log" >&2
      exit 97
    fi
    "$@"
  ' hall-keyring "$@" || rc=$?
  rm -rf "$dir"
  return $rc
}
