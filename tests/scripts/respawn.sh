#!/usr/bin/env bash
# installer/hall-respawn, the supervisor of the kiosk and the wall (issue 10): a program that
# crashes or fails is started again, one closed on purpose (exit 0) or refused as a second
# instance (exit 3) is not, and stopping the supervisor stops the program. Then the real
# hall-kiosk under it: killed with SIGSEGV it comes back (a new process), and its quit (the
# automation's, as the maintenance exit) ends both.
set -euo pipefail
src="$1"
bin="$2"
respawn="$src/installer/hall-respawn"
work="$(mktemp -d /tmp/hall-respawn-test.XXXXXX)"
wrapper=""
cleanup() { [ -n "$wrapper" ] && kill "$wrapper" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$work/log" ] && sed 's/^/  log: /' "$work/log" >&2; exit 1; }
export HALL_RESPAWN_DELAY_MS=50 HALL_RESPAWN_MAX_DELAY_MS=200
ulimit -c 0

# A program that counts its runs in $work/runs and ends the n-th run as told by its arguments:
# "crash crash 0" = SIGSEGV, SIGSEGV, then exit 0.
cat >"$work/prog" <<'EOF'
#!/bin/sh
n=$(( $(cat "$RUNS" 2>/dev/null || echo 0) + 1 ))
echo "$n" >"$RUNS"
shift $((n - 1))
case "$1" in
  crash) kill -SEGV $$ ;;
  hang) exec sleep 60 ;;
  *) exit "$1" ;;
esac
EOF
chmod +x "$work/prog"
export RUNS="$work/runs"

run() { rm -f "$RUNS"; status=0; sh "$respawn" "$work/prog" "$@" 2>"$work/log" || status=$?; runs=$(cat "$RUNS"); }

run crash crash 0
[ "$status" -eq 0 ] && [ "$runs" -eq 3 ] || fail "crash, crash, exit 0: status $status after $runs runs (want 0 after 3)"
[ "$(grep -c 'prog was killed by signal 11' "$work/log")" -eq 2 ] || fail "the two crashes are not logged"

run 1 2 0
[ "$status" -eq 0 ] && [ "$runs" -eq 3 ] || fail "exit 1, exit 2, exit 0: status $status after $runs runs (want 0 after 3)"
grep -q 'prog exited with 1 after 0 s; restarting in 0.050 s' "$work/log" || fail "the first pause is not the one set"
grep -q 'prog exited with 2 after 0 s; restarting in 0.100 s' "$work/log" || fail "the pause does not grow while it keeps failing"

run 0 crash
[ "$status" -eq 0 ] && [ "$runs" -eq 1 ] || fail "exit 0 (closed on purpose) was restarted: $runs runs"

run 3 0
[ "$status" -eq 3 ] && [ "$runs" -eq 1 ] || fail "exit 3 (another instance) was restarted or not passed on: status $status, $runs runs"

# Stopping the supervisor (the session ends) stops the program and restarts nothing.
rm -f "$RUNS"
sh "$respawn" "$work/prog" hang 0 2>"$work/log" &
wrapper=$!
for _ in $(seq 1 50); do child=$(pgrep -P "$wrapper" || true); [ -n "$child" ] && break; sleep 0.1; done
[ -n "$child" ] || fail "the program did not start"
kill -TERM "$wrapper"
for _ in $(seq 1 50); do kill -0 "$wrapper" 2>/dev/null || break; sleep 0.1; done
kill -0 "$wrapper" 2>/dev/null && fail "hall-respawn did not end on SIGTERM"
kill -0 "$child" 2>/dev/null && fail "the program outlived hall-respawn"
wrapper=""
[ "$(cat "$RUNS")" -eq 1 ] || fail "restarted after SIGTERM"

# The real kiosk, full screen on the offscreen platform, in a home of its own.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share" \
       XDG_CACHE_HOME="$work/home/.cache" XDG_RUNTIME_DIR="$work/run" QT_QPA_PLATFORM=offscreen HALL_LANG=en
mkdir -p "$HOME" && mkdir -m 700 "$XDG_RUNTIME_DIR"
socket="$work/kiosk.sock"
sh "$respawn" "$bin/hall-kiosk" --automation "$socket" 2>"$work/log" &
wrapper=$!
kiosk_up() { # the kiosk process under the wrapper, once its automation socket answers
  for _ in $(seq 1 150); do
    kiosk=$(pgrep -P "$wrapper" || true)
    [ -n "$kiosk" ] && [ -S "$socket" ] && [ "$kiosk" != "${1:-}" ] && return 0
    sleep 0.1
  done
  return 1
}
kiosk_up || fail "hall-kiosk did not start"
first=$kiosk
kill -SEGV "$first"
kiosk_up "$first" || fail "hall-kiosk was not started again after SIGSEGV"
grep -q 'hall-kiosk was killed by signal 11' "$work/log" || fail "the kiosk's crash is not logged"
# The automation's quit is QCoreApplication::quit(), as the maintenance screen's exit button.
echo quit | socat -t 1 - "UNIX-CONNECT:$socket" >/dev/null 2>&1 || fail "the kiosk's automation socket did not answer"
for _ in $(seq 1 100); do kill -0 "$wrapper" 2>/dev/null || break; sleep 0.1; done
kill -0 "$wrapper" 2>/dev/null && fail "the kiosk's quit (exit 0) was restarted"
status=0
wait "$wrapper" || status=$?
wrapper=""
[ "$status" -eq 0 ] || fail "hall-respawn ended with $status after the kiosk's quit"
echo "hall-respawn: restarts after crashes and failures, not after exit 0 or 3, stops with its session; hall-kiosk restarted after SIGSEGV"
