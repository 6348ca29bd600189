#!/bin/sh
# test-sweep-owners.sh -- action items in their owners' own task lists
# (owner-tasks), on a real Radicale whose rights let the sweep's account
# write other users' collections (rights = authenticated, as a steward
# account with delegated access would have).  TAP.
#
#   03-10  Bob's overdue item lands in Bob's list, flagged; Carol has no
#          list, so hers goes to the account's task collection (with a
#          warning, exit 0); alice's list holds no copy of Bob's item
#   03-10  Bob completes it in his list: the next sweep unflags it there
#   03-21  Carol's item passes its due date: flagged where it is
#   again  nothing written
set -u
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/sweep/lib.sh"
CALSTEWARD=${CALSTEWARD:-${top_builddir:-.}/cli/calsteward}
DATA="$SW_DIR/data"

sw_require
[ -x "$CALSTEWARD" ] || cst_skip "no $CALSTEWARD"
command -v jq >/dev/null 2>&1 || cst_skip "no jq"
sw_init sweep-owners


SW_RADICALE_RIGHTS=authenticated
sw_start_radicale
R=$SW_RADICALE_URL
$SW_DAVTOOL mkcal "$R" alice alice-pw /alice/calendar/ --components VEVENT >/dev/null
$SW_DAVTOOL mkcal "$R" alice alice-pw /alice/tasks/ --components VTODO >/dev/null
# Bob's list takes events too (as many servers' default calendar), and
# holds a meeting of Bob's own that the account must leave alone
$SW_DAVTOOL mkcal "$R" bob bob-pw /bob/tasks/ --components VEVENT,VTODO >/dev/null
sed 's/m-future@calsteward.test/bob-own@calsteward.test/; s/mailto:alice@example.com/mailto:bob@example.com/g' \
    "$DATA/m-future.ics" >"$SW_TMP/bob-own.ics"
$SW_DAVTOOL seed "$R" bob bob-pw /bob/tasks/ "$SW_TMP/bob-own.ics" >/dev/null
bob_own() { $SW_DAVTOOL get "$R" bob bob-pw "/bob/tasks/bob-own@calsteward.test.ics" | jq -r .etag; }
BOB_OWN=$(bob_own)
$SW_DAVTOOL seed "$R" alice alice-pw /alice/calendar/ "$DATA/m-minutes.ics" >/dev/null
sw_write_config "$SW_TMP/c.conf" team "$R" alice alice-pw \
    "calendars = ${R}alice/calendar/" "tasks = ${R}alice/tasks/" \
    "owner-tasks = ${R}{user}/tasks/"

sweep() {
    "$CALSTEWARD" sweep --config "$SW_TMP/c.conf" --now "$1" \
        >"$SW_TMP/out" 2>"$SW_TMP/err"
    echo $? >"$SW_TMP/rc"
    sed 's/^/# out: /' "$SW_TMP/out"
    sed 's/^/# err: /' "$SW_TMP/err"
}
rc() { [ "$(cat "$SW_TMP/rc")" = "$1" ]; }
# field USER SUMMARY FIELD
field() {
    $SW_DAVTOOL todos "$R" "$1" "$1-pw" "/$1/tasks/" |
        jq -r --arg s "$2" "[.[] | select(.summary == \$s)][0].$3"
}
count() {
    $SW_DAVTOOL todos "$R" "$1" "$1-pw" "/$1/tasks/" |
        jq --arg s "$2" '[.[] | select(.summary == $s)] | length'
}

sweep 2026-03-10T02:00:00Z
check "first sweep exits 0" rc 0
check "Bob's item is in Bob's list" [ "$(count bob 'Send the budget sheet')" = 1 ]
check "and flagged overdue there" [ "$(field bob 'Send the budget sheet' '"x-calsteward-state"')" = overdue ]
check "no copy of it in the organizer's list" [ "$(count alice 'Send the budget sheet')" = 0 ]
check "Carol has no list: her item is in the account's list" \
    [ "$(count alice 'Draft the launch plan')" = 1 ]
check "and the sweep says where it went" \
    grep -q "carol/tasks/ does not take tasks .*: they go to ${R}alice/tasks/" "$SW_TMP/err"
check "the organizer's own tasks stay in the account's list" \
    [ "$(count alice 'Send the minutes: Launch review')" = 1 ]
check "Bob's list is remembered for the next runs" \
    grep -qx "${R}bob/tasks/" "$SW_TMP/state/team/owner-lists"

href=$($SW_DAVTOOL todos "$R" bob bob-pw /bob/tasks/ |
    jq -r '[.[] | select(.summary == "Send the budget sheet")][0].href')
$SW_DAVTOOL complete "$R" bob bob-pw "$href" --at 2026-03-10T02:30:00Z >/dev/null
sweep 2026-03-10T02:45:00Z
check "sweep after Bob's change exits 0" rc 0
check "Bob's completed item is unflagged in his list" \
    [ "$(field bob 'Send the budget sheet' '"x-calsteward-state"')" = null ]
check "and stays completed" [ "$(field bob 'Send the budget sheet' status)" = COMPLETED ]
check "the write went to Bob's list" grep -q "bob/tasks/: 0 meetings, 1 tasks written" "$SW_TMP/out"

sweep 2026-03-21T01:00:00Z
check "sweep at 03-21 exits 0" rc 0
check "Carol's item past due: flagged" \
    [ "$(field alice 'Draft the launch plan' '"x-calsteward-state"')" = overdue ]
check "still one copy of each item" \
    sh -c '[ "$1" = 1 ] && [ "$2" = 1 ]' - "$(count bob 'Send the budget sheet')" "$(count alice 'Draft the launch plan')"
sweep 2026-03-21T01:00:00Z
check "again: nothing written" \
    sh -c '! grep -v " 0 tasks written" "$1" | grep -q "tasks written"' - "$SW_TMP/out"

check "Bob's own meeting in his list is never processed by the account" \
    [ "$(bob_own)" = "$BOB_OWN" ]

echo "1..$n"
[ "$failed" -eq 0 ]
