#!/bin/sh
# test-report-caldav.sh -- calsteward report --config against a real
# Radicale on loopback, seeded (python3-caldav, tests/sweep/davtool.py)
# with the quarter of tests/cli/report_fixture.py: the JSON must equal
# that of --dir over the same files and the fixture's own expectation;
# --config and --dir together count each meeting and task once (TAP;
# skipped without radicale or python3-caldav).
set -u
: "${CALSTEWARD:?}" "${top_srcdir:?}"
. "$top_srcdir/tests/sweep/lib.sh"
sw_require
sw_init report


sw_start_radicale || { echo "Bail out! radicale does not start"; exit 1; }
URL=$SW_RADICALE_URL
FX=$SW_TMP/fx
"$SW_PY" - "$top_srcdir/tests/cli" "$FX" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import report_fixture
report_fixture.write(sys.argv[2])
PY
$SW_DAVTOOL mkcal "$URL" alice alice-pw /alice/calendar/ \
    --components VEVENT --name Calendar >/dev/null
$SW_DAVTOOL mkcal "$URL" alice alice-pw /alice/tasks/ \
    --components VTODO --name Tasks >/dev/null
$SW_DAVTOOL mkcal "$URL" alice alice-pw /alice/wangwu/ \
    --components VTODO --name "Wang Wu" >/dev/null
seeded=0
for f in "$FX"/cal/m*.ics; do
    $SW_DAVTOOL seed "$URL" alice alice-pw /alice/calendar/ "$f" \
        >/dev/null && seeded=$((seeded + 1))
done
for f in "$FX"/tasks/*.ics; do
    $SW_DAVTOOL seed "$URL" alice alice-pw /alice/tasks/ "$f" \
        >/dev/null && seeded=$((seeded + 1))
done
$SW_DAVTOOL seed "$URL" alice alice-pw /alice/wangwu/ \
    "$FX"/owner-lists/wangwu/t1.ics >/dev/null && seeded=$((seeded + 1))
want=$(ls "$FX"/cal/m*.ics "$FX"/tasks/*.ics | wc -l)
[ "$seeded" -eq $((want + 1)) ] && ok "seeded $seeded objects" ||
    nok "seeded $seeded of $((want + 1)) objects"

CONF=$SW_TMP/calsteward.conf
sw_write_config "$CONF" team "$URL" alice alice-pw
ARGS="--from 2023-04-01 --to 2023-07-01 --now 2023-07-10T00:00:00Z --departments $FX/departments.ini --format json"
rm -f "$FX/cal/broken.ics"

for by in "" owner week department series; do
    extra=""
    [ -n "$by" ] && extra="--by $by"
    # shellcheck disable=SC2086
    "$CALSTEWARD" report --config "$CONF" $ARGS $extra \
        >"$SW_TMP/dav.json" 2>"$SW_TMP/dav.err"
    rc=$?
    # shellcheck disable=SC2086
    "$CALSTEWARD" report --dir "$FX" $ARGS $extra >"$SW_TMP/dir.json" \
        2>/dev/null
    if [ $rc -eq 0 ] && cmp -s "$SW_TMP/dav.json" "$SW_TMP/dir.json"; then
        ok "--config${by:+ --by $by}: the same JSON as --dir"
    else
        nok "--config${by:+ --by $by}: the same JSON as --dir (rc $rc)"
        sed 's/^/# /' "$SW_TMP/dav.err" | head -20
        diff "$SW_TMP/dir.json" "$SW_TMP/dav.json" | sed 's/^/# /' | head -40
    fi
    if "$SW_PY" - "$top_srcdir/tests/cli" "$SW_TMP/dav.json" "$by" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
import report_fixture
got = json.load(open(sys.argv[2]))
want = report_fixture.expected((sys.argv[3],) if sys.argv[3] else ())
sys.exit(0 if got == want else 1)
PY
    then
        ok "--config${by:+ --by $by}: as the fixture's ground truth"
    else
        nok "--config${by:+ --by $by}: as the fixture's ground truth"
    fi
done

# both sources at once: each meeting and task once
# shellcheck disable=SC2086
"$CALSTEWARD" report --config "$CONF" --dir "$FX" $ARGS \
    >"$SW_TMP/both.json" 2>/dev/null
# shellcheck disable=SC2086
"$CALSTEWARD" report --dir "$FX" $ARGS >"$SW_TMP/dir.json" 2>/dev/null
cmp -s "$SW_TMP/both.json" "$SW_TMP/dir.json" &&
    ok "--config and --dir together: counted once" ||
    nok "--config and --dir together: counted once"

# a server that is down: one line naming the account, exit 1
sw_stop_server radicale
# shellcheck disable=SC2086
"$CALSTEWARD" report --config "$CONF" $ARGS >/dev/null 2>"$SW_TMP/down.err"
rc=$?
if [ $rc -eq 1 ] && grep -q "account team" "$SW_TMP/down.err"; then
    ok "server down: exit 1, the account named"
else
    nok "server down: exit 1, the account named (rc $rc)"
    sed 's/^/# /' "$SW_TMP/down.err"
fi
# a bad configuration: exit 2 naming file and line
printf '[account x]\nurl = ftp://nowhere/\n' >"$SW_TMP/bad.conf"
"$CALSTEWARD" report --config "$SW_TMP/bad.conf" >/dev/null \
    2>"$SW_TMP/bad.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "bad.conf:2" "$SW_TMP/bad.err"; then
    ok "bad configuration: exit 2 naming the line"
else
    nok "bad configuration: exit 2 naming the line (rc $rc)"
    sed 's/^/# /' "$SW_TMP/bad.err"
fi
echo "1..$n"
[ $failed -eq 0 ]
