#!/usr/bin/env bash
# scripts/check-logs must fail on a log that holds an ID number, a test phone number or a sample
# name, say where without repeating it, and pass a clean one.
set -euo pipefail
root="$1"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/build/Testing/Temporary" "$tmp/data/logs"
echo "QINFO: all fine, ticket A001 for 1101**********002X" > "$tmp/build/Testing/Temporary/LastTest.log"
"$root/scripts/check-logs" "$tmp/build" "$tmp/data" >/dev/null
for leak in "issued for 11010519491231002X" "sms to 13800138000 sent" "card holder 陈晓梅"; do
  echo "$leak" > "$tmp/data/logs/hall-kiosk-kiosk.log"
  if out="$("$root/scripts/check-logs" "$tmp/build" "$tmp/data" 2>&1)"; then
    echo "check-logs missed: $leak" >&2
    exit 1
  fi
  echo "$out" | grep -q "hall-kiosk-kiosk.log" || { echo "check-logs did not name the file: $out" >&2; exit 1; }
  if echo "$out" | grep -qE "11010519491231002X|13800138000|陈晓梅"; then
    echo "check-logs repeated the data it found: $out" >&2
    exit 1
  fi
done
echo "check-logs finds every kind of leak"
