#!/usr/bin/env bash
# scripts/check-logs must fail on a log that holds an ID number, a test phone number or a test
# name — in an app's log file or in what a test's child process printed (build/Testing/child-logs)
# —, say where without repeating it, and pass a clean one.
set -euo pipefail
root="$1"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/build/Testing/Temporary" "$tmp/build/Testing/child-logs" "$tmp/data/logs"
echo "QINFO: all fine, ticket A001 for 1101**********002X" > "$tmp/build/Testing/Temporary/LastTest.log"
echo "hall-server: listening on 127.0.0.1:8080, 张*丰 served at window 3, 138****8000" > "$tmp/build/Testing/child-logs/tst_x.hall-server.log"
"$root/scripts/check-logs" "$tmp/build" "$tmp/data" >/dev/null
check() { # $1 the leak, $2 the log it is planted in
  echo "$1" > "$2"
  if out="$("$root/scripts/check-logs" "$tmp/build" "$tmp/data" 2>&1)"; then
    echo "check-logs missed: $1 in $2" >&2
    exit 1
  fi
  echo "$out" | grep -qF "$(basename "$2")" || { echo "check-logs did not name the file: $out" >&2; exit 1; }
  if echo "$out" | grep -qiE "11010519491231002X|13800138000|138 0013 8000|陈晓梅|张三丰"; then
    echo "check-logs repeated the data it found: $out" >&2
    exit 1
  fi
  rm "$2"
}
for leak in "issued for 11010519491231002X" "sms to 13800138000 sent" "card holder 陈晓梅"; do
  check "$leak" "$tmp/data/logs/hall-kiosk-kiosk.log"
done
# What a hall-server or hall-sync started by a test printed: an ID number with a small x, a
# phone as people write it, a test applicant's name.
clean="$(cat "$tmp/build/Testing/child-logs/tst_x.hall-server.log")"
for leak in "ticket for 11010519491231002x" "reminder to 138 0013 8000" "applicant 张三丰 checked in"; do
  check "$leak" "$tmp/build/Testing/child-logs/tst_chaos.hall-sync.log"
done
echo "$clean" > "$tmp/build/Testing/child-logs/tst_x.hall-server.log"
"$root/scripts/check-logs" "$tmp/build" "$tmp/data" >/dev/null
echo "check-logs finds every kind of leak, in the apps' logs and in what the tests' child processes printed"
