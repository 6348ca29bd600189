#!/bin/sh
# test-sweep-faults.sh -- `calsteward sweep` when things go wrong.  TAP.
#
# A real Radicale behind tests/sweep/faultproxy.py (a real HTTP proxy
# that injects one fault: 500s, a slow answer, broken multistatus XML, a
# server that goes away mid-sweep, a concurrent client edit giving a
# genuine 412).  Each scenario sweeps its own calendar and task
# collection (one Radicale, isolated collections and state folders):
# the faulty run must fail with a clear message naming the URL and a
# non-zero exit, and a second run without the fault must leave exactly
# what one undisturbed run leaves (the reference) -- nothing lost,
# nothing twice.
set -u
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/sweep/lib.sh"
CALSTEWARD=${CALSTEWARD:-${top_builddir:-.}/cli/calsteward}
DATA="$SW_DIR/data"
NOW=2026-03-10T02:00:00Z

sw_require
[ -x "$CALSTEWARD" ] || cst_skip "no $CALSTEWARD"
command -v jq >/dev/null 2>&1 || cst_skip "no jq"
sw_init sweep-faults


sw_start_radicale
R=$SW_RADICALE_URL
sw_start_faultproxy "$R" none
P=$SW_PROXY_URL

# setup NAME [CONFIG LINES...]: its own calendar, task collection, state
setup() {
    name=$1
    shift
    $SW_DAVTOOL mkcal "$R" alice alice-pw "/alice/$name-cal/" \
        --components VEVENT >/dev/null
    $SW_DAVTOOL mkcal "$R" alice alice-pw "/alice/$name-tasks/" \
        --components VTODO >/dev/null
    for f in "$DATA"/*.ics; do
        $SW_DAVTOOL seed "$R" alice alice-pw "/alice/$name-cal/" "$f" \
            >/dev/null || echo "# seeding $f failed"
    done
    sw_write_config "$SW_TMP/$name.conf" team "$P" alice alice-pw \
        "calendars = ${P}alice/$name-cal/" "tasks = ${P}alice/$name-tasks/" \
        "$@" "[state]" "dir = $SW_TMP/state-$name"
}
# sweep NAME [options]: rc in $SW_TMP/rc, output in out / err
sweep() {
    name=$1
    shift
    "$CALSTEWARD" sweep --config "$SW_TMP/$name.conf" --now "$NOW" "$@" \
        >"$SW_TMP/out" 2>"$SW_TMP/err"
    echo $? >"$SW_TMP/rc"
    sed 's/^/# out: /' "$SW_TMP/out" | head -5
    sed 's/^/# err: /' "$SW_TMP/err" | head -5
}
rc() { [ "$(cat "$SW_TMP/rc")" = "$1" ]; }
count_is() { [ "$(sw_proxy_count "$1")" = "$2" ]; }
err_has() { grep -q -- "$1" "$SW_TMP/err"; }
# what a collection pair holds, by member name (straight from Radicale)
norm() {
    for c in cal tasks; do
        $SW_DAVTOOL dump "$R" alice alice-pw "/alice/$1-$c/" |
            jq -c '.[] | {name: (.href | split("/") | last), data}'
    done | sort
}
same_as_ref() { [ "$(norm "$1")" = "$REF" ]; }

# ---- the reference: one undisturbed run ----------------------------------
setup ref
sweep ref
check "reference run exits 0" rc 0
REF=$(norm ref)
check "reference run wrote tasks" \
    sh -c '[ "$(printf "%s\n" "$1" | grep -c "VTODO")" -ge 5 ]' - "$REF"

# ---- wrong password ------------------------------------------------------
setup badpw
printf 'not-the-password\n' >"$SW_TMP/badpw.conf.team.secret"
: >"$SW_PROXY_LOG"
sweep badpw
check "wrong password: exit 1" rc 1
check "wrong password: the message says 401 and why" \
    sh -c 'grep -q "HTTP 401" "$1" && grep -qi "password" "$1"' - "$SW_TMP/err"
check "wrong password: the password is never printed" \
    sh -c '! grep -q "not-the-password" "$1" "$2"' - "$SW_TMP/err" "$SW_TMP/out"
check "wrong password: nothing written" count_is "^[0-9]+ PUT " 0
check "wrong password: a summary line with the error" \
    grep -q "name-cal\|badpw-cal/: 0 meetings, 0 tasks written, 0 unchanged, [1-9]" "$SW_TMP/out"

# ---- bad configuration ---------------------------------------------------
printf '[account x]\nuser = a\n' >"$SW_TMP/bad.conf"
"$CALSTEWARD" sweep --config "$SW_TMP/bad.conf" >/dev/null 2>"$SW_TMP/err"
echo $? >"$SW_TMP/rc"
check "config without url: exit 2" rc 2
check "config without url: the message names the file" \
    err_has "$SW_TMP/bad.conf:1"
setup openpw
chmod 644 "$SW_TMP/openpw.conf.team.secret"
sweep openpw
check "password file 0644: exit 2" rc 2
check "password file 0644: refused with the reason" \
    sh -c 'grep -q "openpw.conf.team.secret" "$1" && grep -q "0644" "$1"' - "$SW_TMP/err"

# ---- 500s ----------------------------------------------------------------
setup e500
sw_fault status500 'match=^PUT ' every=3
sweep e500
check "500 on every third PUT: exit 1" rc 1
check "500: the message names the URL and the status" \
    sh -c 'grep -q "PUT http://127.0.0.1:[0-9]*/alice/e500-[a-z]*/[^ ]*: HTTP 500" "$1"' - "$SW_TMP/err"
sw_fault none
sweep e500
check "500: the next run exits 0" rc 0
check "500: the next run leaves what one clean run leaves" same_as_ref e500

# a task write fails while its meeting's write succeeds: the meeting is
# looked at again next run, so the task is not lost
setup taskfail
sw_fault status500 'match=^PUT.*/taskfail-tasks/' nth=1
sweep taskfail
check "a task PUT fails: exit 1" rc 1
check "a task PUT fails: the message names the task's URL" \
    sh -c 'grep -q "taskfail-tasks/[^ ]*\.ics not written: PUT .*: HTTP 500" "$1"' - "$SW_TMP/err"
sw_fault none
sweep taskfail
check "a task PUT failed: the next run exits 0" rc 0
check "a task PUT failed: the next run writes it (same as one clean run)" \
    same_as_ref taskfail

# the server applied the write but the answer was lost
setup lost
sw_fault status500 'match=^PUT ' every=2 forward=1
sweep lost
check "lost answers: exit 1" rc 1
sw_fault none
sweep lost
check "lost answers: the next run exits 0" rc 0
check "lost answers: nothing twice, nothing missing" same_as_ref lost

# ---- the server goes away mid-sweep ----------------------------------------
setup die
sw_fault die-after n=12
sweep die
check "server gone mid-sweep: exit 1" rc 1
check "server gone mid-sweep: the message names the URL" \
    err_has "http://127.0.0.1:$SW_PROXY_PORT/"
sleep 1
sw_start_faultproxy "$R" none
sweep die
check "server back: the next run exits 0" rc 0
check "server back: the same calendars as one run" same_as_ref die
sweep die
check "and a third run writes nothing" \
    sh -c '! grep -v " 0 tasks written" "$1" | grep -q "tasks written" && [ "$(cat "$2")" = 0 ]' - "$SW_TMP/out" "$SW_TMP/rc"

# ---- a slow server -----------------------------------------------------------
setup slow "timeout = 1"
sw_fault slow seconds=3 'match=^REPORT '
sweep slow
check "slow server: exit 1" rc 1
check "slow server: the message says it timed out, with the URL" \
    sh -c 'grep -qi "time.*out" "$1" && grep -q "/alice/slow-" "$1"' - "$SW_TMP/err"
sw_fault none
sweep slow
check "slow server: the next run finishes" rc 0
check "slow server: the same calendars as one run" same_as_ref slow

# ---- malformed multistatus ---------------------------------------------------
for how in truncate garbage unclosed; do
    setup "mal$how"
    if [ "$how" = truncate ]; then
        sw_fault malformed "how=$how" "match=^REPORT"
    else
        sw_fault malformed "how=$how"
    fi
    sweep "mal$how"
    check "malformed XML ($how): exit 1" rc 1
    check "malformed XML ($how): the message names the URL" \
        err_has "/alice/mal$how-"
    sw_fault none
    sweep "mal$how"
    check "malformed XML ($how): the next run exits 0" rc 0
    check "malformed XML ($how): the same calendars as one run" \
        same_as_ref "mal$how"
done

# ---- a server without sync-collection: ctag and ETags ------------------------
setup ctag
sw_fault status500 status=501 'match=^REPORT' 'body=sync-collection'
sweep ctag
check "no sync-collection (501): exit 0" rc 0
check "no sync-collection: the same calendars as one run" same_as_ref ctag
# the ctag kept is the one read before the run's own writes (a change
# made by someone else meanwhile must not be missed): the next run lists
# the ETags once, finds only its own writes, and the one after that
# needs the ctag alone
sweep ctag
check "no sync-collection, after its own writes: exit 0" rc 0
check "no sync-collection, after its own writes: nothing written" \
    grep -q "ctag-tasks/: 0 meetings, 0 tasks written" "$SW_TMP/out"
: >"$SW_PROXY_LOG"
sweep ctag
check "no sync-collection, nothing changed: exit 0" rc 0
check "no sync-collection, nothing changed: one PROPFIND per collection, nothing else" \
    count_is "" 2
$SW_DAVTOOL edit "$R" alice alice-pw /alice/ctag-cal/m-nominutes@calsteward.test.ics \
    --set-prop SUMMARY "Hiring sync (moved room)" >/dev/null
: >"$SW_PROXY_LOG"
sweep ctag
check "no sync-collection, one edit: exit 0" rc 0
check "no sync-collection, one edit: that meeting is looked at again" \
    grep -q "ctag-cal/: 1 meetings" "$SW_TMP/out"
check "no sync-collection, one edit: one multiget for it" \
    count_is "REPORT /alice/ctag-cal/" 1
sw_fault none

# ---- a client edits while the sweep writes: 412 ----------------------------
setup conflict
sw_fault conflict edit=xprop 'match=^PUT.*/conflict-cal/'
: >"$SW_PROXY_LOG"
sweep conflict
sw_fault none
check "412: exit 0" rc 0
check "412: the server answered 412 once" \
    count_is "^[0-9]+ PUT /alice/conflict-cal/.* 412 " 1
ev=$($SW_DAVTOOL dump "$R" alice alice-pw /alice/conflict-cal/ |
    jq -r '.[] | select(.data | test("X-TEST-EDIT")) | .data')
check "412: the client's edit is kept" \
    sh -c 'printf "%s" "$1" | grep -q "^X-TEST-EDIT:conflict-1"' - "$ev"
check "412: and calsteward's stamps are there too" \
    sh -c 'printf "%s" "$1" | grep -q "^X-CALSTEWARD-AGENDA-SENT:"' - "$ev"

# a client that edits on every try: the sweep gives up after 3
setup conflict3
sw_fault conflict edit=xprop all=1 'match=^PUT.*/conflict3-cal/'
sweep conflict3
sw_fault none
check "412 three times: exit 1" rc 1
check "412 three times: the message says so" err_has "412 after 3 tries"
ev=$($SW_DAVTOOL dump "$R" alice alice-pw /alice/conflict3-cal/ |
    jq -r '[.[] | select(.data | test("X-TEST-EDIT:conflict-3"))] | length')
check "412 three times: the last client edit is kept" [ "$ev" -ge 1 ]

echo "1..$n"
[ "$failed" -eq 0 ]
