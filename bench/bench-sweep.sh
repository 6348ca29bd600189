#!/bin/sh
# bench-sweep.sh -- what does `calsteward sweep` cost on a big calendar?
# (doc/performance.md, "calsteward sweep: scale")
#
#   bench/bench-sweep.sh BUILD_DIR
#
# One Radicale on 127.0.0.1 with a calendar of BENCH_EVENTS meetings
# (default 10 000) spread over two years around --now and a task
# collection of BENCH_TASKS calsteward-like VTODOs (default 5 000),
# written straight into Radicale's storage by tests/sweep/davtool.py
# (seed-generated --via fs) and read once so that Radicale's cache is
# warm.  The sweep talks to Radicale through tests/sweep/faultproxy.py
# (mode none) so that every request is counted; the proxy costs the same
# in every run, so the runs compare.
#
# Runs, each timed (wall clock) with its peak memory (GNU time's maximum
# resident set) and its requests:
#   first       a fresh state: everything in the window is processed
#   again       the same --now, nothing changed
#   one-edit    one meeting in the window edited by a client
#   next-hour   --now one hour later, nothing edited (deadlines only)
# and prints the ratios to the first run.
#
# Environment: BENCH_EVENTS, BENCH_TASKS, CST_KEEP_TMP=1 keeps the temp
# dir; BENCH_DRY=1 runs only the first sweep, with --dry-run: everything
# it reads, nothing it writes (on Radicale 3.1 a PUT into a collection of
# thousands costs about a second, which makes a full first sweep of the
# 10 000-event calendar take hours on a small machine); BENCH_POLICY=FILE
# sweeps with that policy (e.g. prep-tasks = no and action-item-overdue =
# off: fewer writes in the first sweep).  Everything started here is stopped by the EXIT trap.
set -u
if [ $# -ne 1 ] || [ ! -x "$1/cli/calsteward" ]; then
    echo "Usage: $0 BUILD_DIR  (a built tree with cli/calsteward)" >&2
    exit 2
fi
BUILD_DIR=$(cd "$1" && pwd)
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
export top_srcdir
. "$top_srcdir/tests/sweep/lib.sh"
CALSTEWARD=$BUILD_DIR/cli/calsteward
EVENTS=${BENCH_EVENTS:-10000}
TASKS=${BENCH_TASKS:-5000}
NOW=2026-03-10T02:00:00Z

sw_require
sw_init bench-sweep
sw_start_radicale
R=$SW_RADICALE_URL
$SW_DAVTOOL mkcal "$R" alice alice-pw /alice/calendar/ --components VEVENT >/dev/null
$SW_DAVTOOL mkcal "$R" alice alice-pw /alice/tasks/ --components VTODO >/dev/null
echo "seeding $EVENTS meetings and $TASKS tasks (straight into the storage)..."
$SW_DAVTOOL seed-generated "$R" alice alice-pw /alice/calendar/ \
    --events "$EVENTS" --tasks "$TASKS" --tasks-cal /alice/tasks/ \
    --start 2025-03-10T00:00:00Z --span-days 730 --now "$NOW" \
    --via fs --storage "$SW_RADICALE_STORAGE" \
    --manifest "$SW_TMP/manifest.jsonl" >"$SW_TMP/seed.json" || exit 1
cat "$SW_TMP/seed.json"
$SW_DAVTOOL warm "$R" alice alice-pw /alice/calendar/ >/dev/null
$SW_DAVTOOL warm "$R" alice alice-pw /alice/tasks/ >/dev/null

sw_start_faultproxy "$R" none
P=$SW_PROXY_URL
sw_write_config "$SW_TMP/bench.conf" bench "$P" alice alice-pw \
    "calendars = ${P}alice/calendar/" "tasks = ${P}alice/tasks/" \
    "timeout = 600" ${BENCH_POLICY:+"policy = $BENCH_POLICY"}

# run LABEL NOW [OPTION]: one sweep, timed; prints one line of results
run() {
    label=$1
    : >"$SW_PROXY_LOG"
    /usr/bin/time -f '%e %M %U %S' -o "$SW_TMP/time" \
        "$CALSTEWARD" sweep --config "$SW_TMP/bench.conf" --now "$2" ${3:-} \
        >"$SW_TMP/$label.out" 2>"$SW_TMP/$label.err"
    rc=$?
    read -r secs kb usr sys <"$SW_TMP/time"
    reqs=$(sw_proxy_count)
    puts=$(sw_proxy_count "^[0-9]+ PUT ")
    printf '%-10s exit %d  %8.2f s (calsteward CPU %6.2f s)  %6d requests (%5d PUT)  peak %6.1f MiB\n' \
        "$label" "$rc" "$secs" "$(echo "$usr + $sys" | bc -l)" "$reqs" "$puts" \
        "$(echo "$kb / 1024" | bc -l)"
    grep -v '^--- would\|^[A-Z ]' "$SW_TMP/$label.out" | sed 's/^/           /'
    [ -n "${3:-}" ] && printf '           %d objects it would write\n' \
        "$(grep -c '^--- would' "$SW_TMP/$label.out")"
    eval "secs_$label=$secs reqs_$label=$reqs"
}

if [ "${BENCH_DRY:-0}" = 1 ]; then
    run first_dry "$NOW" --dry-run
    exit 0
fi
run first "$NOW"
run again "$NOW"
# a client edits one meeting that is in the window
href=$(jq -r 'select(.kind == "event" and .dtstart >= "2026-03-12" and .dtstart < "2026-03-20") | .href' \
    "$SW_TMP/manifest.jsonl" | head -1)
$SW_DAVTOOL edit "$R" alice alice-pw "$href" --set-prop LOCATION "Room 7" >/dev/null
run one_edit "$NOW"
run next_hour 2026-03-10T03:00:00Z

echo
printf 'again / first:     time %.3f  requests %s / %s\n' \
    "$(echo "$secs_again / $secs_first" | bc -l)" "$reqs_again" "$reqs_first"
printf 'one-edit / first:  time %.3f  requests %s / %s\n' \
    "$(echo "$secs_one_edit / $secs_first" | bc -l)" "$reqs_one_edit" "$reqs_first"
printf 'next-hour / first: time %.3f  requests %s / %s\n' \
    "$(echo "$secs_next_hour / $secs_first" | bc -l)" "$reqs_next_hour" "$reqs_first"
