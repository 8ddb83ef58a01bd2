#!/usr/bin/env bash
# The whole-hall demo (hall-demo --whole-hall, as scripts/demo runs it) against a freshly seeded
# demo hall-server: it must finish by itself with exit 0 and say each part of the morning.
# Offscreen (no X server needed); a short enlargement on the wall keeps it under a minute.
set -euo pipefail
src="$1"
bin="$2"
logs="${3:-}" # where scripts/check-logs searches what the children printed (build/Testing/child-logs)
work="$(mktemp -d /tmp/hall-demo-test.XXXXXX)"
server=""
# Before the folder goes: what hall-server and each app printed, and the apps' own log files,
# into the child logs (at most 16 MiB each), where check-logs finds any personal data in them.
keep_logs() {
  [ -n "$logs" ] || return 0
  mkdir -p "$logs"
  rm -f "$logs"/demo-hallday.*
  find "$work" -type f \( -name '*.log' -o -name '*.log.*' \) -print0 | while IFS= read -r -d '' f; do
    rel="${f#"$work"/}"
    head -c 16M "$f" > "$logs/demo-hallday.${rel//\//.}"
  done
}
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; keep_logs; rm -rf "$work"; }
trap cleanup EXIT
export XDG_RUNTIME_DIR="$work/run" QT_QPA_PLATFORM=offscreen HALL_LANG=en
mkdir -m 700 "$XDG_RUNTIME_DIR"
"$bin/hall-server" seed "$src/resources/demo/demo-hall.json" --data "$work/server" >/dev/null
"$bin/hall-server" --data "$work/server" --listen 127.0.0.1:0 --demo --fake-clock "$(date +%F)T08:25:00" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do grep -q "listening on" "$work/server.log" && break; sleep 0.1; done
url="http://$(grep -o 'listening on [0-9.:]*' "$work/server.log" | cut -d' ' -f3)"
out="$work/out.txt"
"$bin/hall-demo" --whole-hall --url "$url" --work "$work/hall" --screenshots "$work/shots" --enlarge-seconds 2 | tee "$out"
for part in "ID card .* on the reader" "typed on the digit pad" "Caller 1 presses Next" "the wall enlarges it" \
            "hall-server has it as \"voided\"" "one touch and ticket .* comes out" \
            "the kiosk says it is offline" "from the kiosk's leased numbers" \
            "are in hall-server's queue, waiting"; do
  grep -q -- "$part" "$out" || { echo "missing from the demo's story: $part" >&2; exit 1; }
done
[ "$(ls "$work/shots"/*.png | wc -l)" -ge 10 ] || { echo "fewer than 10 screenshots" >&2; exit 1; }
