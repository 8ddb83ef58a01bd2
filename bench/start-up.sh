# Start-up times (issue 10), sourced by bench/run-display and bench/run-kiosk:
#
#   start_up_times RUNS LABEL COMMAND [LABEL COMMAND ...]
#
# Runs every command RUNS times, taking turns, with HALL_EXIT_AT_FIRST_FRAME=1 (an app quits at
# its main window's first frame; a service without a window when its event loop first turns,
# everything read and set up), and prints per command the median wall time from exec to exit
# and the median CPU time (user + system), each with its ratio to the first command's: the
# baseline, a bare Qt Widgets window (target ≤ 2×), then the wall times of the runs. Files are
# in the page cache after the first turn. On a loaded machine the wall time mostly counts the
# waits for a core; the CPU time does not.
start_up_times() {
  local runs="$1"; shift
  local labels=() commands=() i r
  while [ $# -gt 0 ]; do labels+=("$1"); commands+=("$2"); shift 2; done
  local -A walls cpus
  local -x HALL_EXIT_AT_FIRST_FRAME=1
  local TIMEFORMAT='%3R %3U %3S'
  for r in $(seq 1 "$runs"); do
    for i in "${!commands[@]}"; do
      local t
      t=$( { time eval "${commands[$i]}" >/dev/null 2>&1 || echo failed; } 2>&1 )
      [[ "$t" != *failed* ]] || { echo "start_up_times: ${labels[$i]} failed" >&2; return 1; }
      walls[$i]+="$(awk '{printf "%d", $1 * 1000}' <<<"$t") "
      cpus[$i]+="$(awk '{printf "%d", ($2 + $3) * 1000}' <<<"$t") "
    done
  done
  median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  local wall0="" cpu0=""
  for i in "${!commands[@]}"; do
    local w c
    w=$(median "${walls[$i]}"); c=$(median "${cpus[$i]}")
    [ -n "$wall0" ] || { wall0="$w"; cpu0="$c"; }
    printf '%-17s wall median %4d ms, ratio %.2f; CPU median %4d ms, ratio %.2f (wall: %s)\n' "${labels[$i]}:" "$w" \
      "$(awk -v m="$w" -v b="$wall0" 'BEGIN {print m / b}')" "$c" "$(awk -v m="$c" -v b="$cpu0" 'BEGIN {print m / (b ? b : 1)}')" "${walls[$i]% }"
  done
}
