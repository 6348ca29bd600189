#!/bin/sh
# bench-report.sh -- what does `calsteward report` cost on a big account?
# (doc/performance.md, "calsteward report: scale")
#
#   bench/bench-report.sh BUILD_DIR
#
# One Radicale on 127.0.0.1 with BENCH_EVENTS meetings (default 10 000)
# over two years and BENCH_TASKS calsteward-like VTODOs (default 20 000),
# written straight into Radicale's storage by tests/sweep/davtool.py
# (seed-generated --via fs) and read once so that Radicale's cache is warm.
# Then, side by side, BENCH_ROUNDS times (default 3), each timed with
# GNU time (wall clock, CPU, peak resident set):
#   fetch        the bare fetch of the same data: one calendar-query with
#                the report's time range and calendar-data for the
#                meetings, one for all tasks (curl, output discarded)
#   report-dav   calsteward report --config (the account) --format json
#   report-dir   calsteward report --dir (Radicale's own folders of .ics)
# and prints the medians and report-dav / fetch.  calsteward's own CPU is
# what the issue asks to be "a few seconds"; the fetch is the floor the
# server and the network set.
#
# Environment: BENCH_EVENTS, BENCH_TASKS, BENCH_ROUNDS, CST_KEEP_TMP=1.
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
TASKS=${BENCH_TASKS:-20000}
ROUNDS=${BENCH_ROUNDS:-3}
NOW=2026-03-10T02:00:00Z
FROM=2025-03-10
TO=2026-03-10
command -v curl >/dev/null 2>&1 || { echo "bench-report: no curl" >&2; exit 77; }

sw_require
sw_init bench-report
sw_start_radicale
R=$SW_RADICALE_URL
$SW_DAVTOOL mkcal "$R" alice alice-pw /alice/calendar/ --components VEVENT >/dev/null
$SW_DAVTOOL mkcal "$R" alice alice-pw /alice/tasks/ --components VTODO >/dev/null
echo "seeding $EVENTS meetings and $TASKS tasks (straight into the storage)..."
$SW_DAVTOOL seed-generated "$R" alice alice-pw /alice/calendar/ \
    --events "$EVENTS" --tasks "$TASKS" --tasks-cal /alice/tasks/ \
    --start 2025-03-10T00:00:00Z --span-days 730 --now "$NOW" \
    --via fs --storage "$SW_RADICALE_STORAGE" >"$SW_TMP/seed.json" || exit 1
cat "$SW_TMP/seed.json"
sw_write_config "$SW_TMP/bench.conf" bench "$R" alice alice-pw \
    "calendars = ${R}alice/calendar/" "tasks = ${R}alice/tasks/" \
    "timeout = 600"

query() { # query COMPONENT [START END]
    range=""
    [ $# -eq 3 ] && range="<C:time-range start=\"$2\" end=\"$3\"/>"
    printf '%s' "<?xml version=\"1.0\" encoding=\"utf-8\"?><C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter><C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"$1\">$range</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"
}
query VEVENT 20250310T000000Z 20260310T000000Z >"$SW_TMP/q-events.xml"
query VTODO >"$SW_TMP/q-tasks.xml"
# the bare fetch, as a script that GNU time can run
cat >"$SW_TMP/fetch.sh" <<EOF
curl -s -o /dev/null -u alice:alice-pw -X REPORT -H 'Depth: 1' \\
    -H 'Content-Type: application/xml' --data @$SW_TMP/q-events.xml \\
    ${R}alice/calendar/ &&
curl -s -o /dev/null -u alice:alice-pw -X REPORT -H 'Depth: 1' \\
    -H 'Content-Type: application/xml' --data @$SW_TMP/q-tasks.xml \\
    ${R}alice/tasks/
EOF

echo "warming Radicale's cache..."
sh "$SW_TMP/fetch.sh"
# run LABEL COMMAND...: one timed run; appends "secs cpu kb" to $SW_TMP/LABEL
run() {
    l=$1
    shift
    /usr/bin/time -f '%e %U %S %M' -o "$SW_TMP/time" "$@" \
        >/dev/null 2>"$SW_TMP/$l.err" || { echo "$l failed:"; cat "$SW_TMP/$l.err"; }
    read -r secs usr sys kb <"$SW_TMP/time"
    echo "$secs $(echo "$usr + $sys" | bc -l) $kb" >>"$SW_TMP/$l"
}
i=0
while [ $i -lt "$ROUNDS" ]; do
    run fetch sh "$SW_TMP/fetch.sh"
    run dav "$CALSTEWARD" report --config "$SW_TMP/bench.conf" --from $FROM \
        --to $TO --now $NOW --format json --output "$SW_TMP/dav.json"
    run dir "$CALSTEWARD" report --dir "$SW_RADICALE_STORAGE/collection-root/alice" \
        --from $FROM --to $TO --now $NOW --format json --output "$SW_TMP/dir.json"
    i=$((i + 1))
done
median() { # median FILE COLUMN
    cut -d' ' -f"$2" "$1" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'
}
printf '%-11s %9s %9s %10s\n' "" "wall s" "CPU s" "peak MiB"
for l in fetch dav dir; do
    printf '%-11s %9.2f %9.2f %10.1f\n' "$l" "$(median "$SW_TMP/$l" 1)" \
        "$(median "$SW_TMP/$l" 2)" "$(echo "$(median "$SW_TMP/$l" 3) / 1024" | bc -l)"
done
printf 'report-dav / fetch, wall: %.2f\n' \
    "$(echo "$(median "$SW_TMP/dav" 1) / $(median "$SW_TMP/fetch" 1)" | bc -l)"
if cmp -s "$SW_TMP/dav.json" "$SW_TMP/dir.json"; then
    echo "the JSON of --config and of --dir are the same"
else
    echo "the JSON of --config and of --dir differ"
fi
jq -c '{meetings: .meetings.count, items: .action_items.count}' "$SW_TMP/dav.json"
