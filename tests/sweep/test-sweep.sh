#!/bin/sh
# test-sweep.sh SERVER -- `calsteward sweep` against a real CalDAV server
# (radicale or xandikos) on loopback, seeded and read back through
# python3-caldav (tests/sweep/davtool.py).  TAP.
#
# The story, with the clock given by --now:
#   03-10  first sweep: meetings processed and written back, tasks
#          written, overdue ones flagged; a plain event and a meeting
#          outside the window stay as they are
#   03-10  the same sweep again writes nothing
#   03-10  Bob completes his overdue action item: the flag goes
#   03-12  the materials deadline passes: that task is flagged
#   03-12  the organizer adds materials: the task is completed, unflagged
#   04-25  the far meeting comes into the window: processed
#   --dry-run prints what it would write and writes nothing
set -u
SERVER=${1:-${SW_SERVER:-radicale}}
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/sweep/lib.sh"
CALSTEWARD=${CALSTEWARD:-${top_builddir:-.}/cli/calsteward}
DATA="$SW_DIR/data"

sw_require
[ -x "$CALSTEWARD" ] || cst_skip "no $CALSTEWARD"
command -v jq >/dev/null 2>&1 || cst_skip "no jq"
if [ "$SERVER" = xandikos ]; then
    sw_have_xandikos || cst_skip "xandikos is not installed"
fi
sw_init "sweep-$SERVER"


if [ "$SERVER" = xandikos ]; then
    sw_start_xandikos || { echo "Bail out! xandikos does not start"; exit 1; }
    URL=$SW_XANDIKOS_URL
    CAL=/user/calendars/calendar/
    TASKS=/user/calendars/tasks/
    USER_=user
    PW=unused
    ORG_LINE="organizer = any"
else
    sw_start_radicale || { echo "Bail out! radicale does not start"; exit 1; }
    URL=$SW_RADICALE_URL
    CAL=/alice/calendar/
    TASKS=/alice/tasks/
    USER_=alice
    PW=alice-pw
    ORG_LINE="organizer = self"
    $SW_DAVTOOL mkcal "$URL" alice alice-pw $CAL --components VEVENT \
        --name Calendar >/dev/null
    $SW_DAVTOOL mkcal "$URL" alice alice-pw $TASKS --components VTODO \
        --name Tasks >/dev/null
fi
DT() {
    cmd=$1
    shift
    $SW_DAVTOOL "$cmd" "$URL" "$USER_" "$PW" "$@"
}

for f in "$DATA"/*.ics; do
    DT seed $CAL "$f" >/dev/null || echo "# seeding $f failed"
done

CONF=$SW_TMP/calsteward.conf
# Radicale: discovery from the server's root; Xandikos: the calendar and
# the task collection named (its principal is /user/)
if [ "$SERVER" = xandikos ]; then
    sw_write_config "$CONF" team "$URL" "$USER_" "$PW" \
        "calendars = $URL${CAL#/}" "tasks = $URL${TASKS#/}" "$ORG_LINE"
else
    sw_write_config "$CONF" team "$URL" "$USER_" "$PW" "$ORG_LINE"
fi

sweep() { # sweep NOW [more options]
    now=$1
    shift
    "$CALSTEWARD" sweep --config "$CONF" --now "$now" "$@" \
        >"$SW_TMP/out" 2>"$SW_TMP/err"
    echo $? >"$SW_TMP/rc"
    sed 's/^/# out: /' "$SW_TMP/out" | grep -v '^# out: [^-]*END:\|^# out:  ' | head -20
    sed 's/^/# err: /' "$SW_TMP/err" | head -20
}
rc() { [ "$(cat "$SW_TMP/rc")" = "$1" ]; }
event() { DT get "$CAL$1.ics" | jq -r .data; }
todos() { DT todos $TASKS; }
# todo SUMMARY FIELD -> the field of the task with that summary
todo() { todos | jq -r --arg s "$1" "[.[] | select(.summary == \$s)][0].$2"; }
todo_kind() { # todo_kind KIND RELATED FIELD
    todos | jq -r --arg k "$1" --arg r "$2" \
        "[.[] | select(.\"x-calsteward-kind\" == \$k and .\"related-to\" == \$r)][0].$3"
}
etags() { { DT dump $CAL; DT dump $TASKS; } | jq -r '.[] | .href + " " + .etag' | sort; }

# the server's own copies (servers rewrite what they store)
DT get "${CAL}plain@calsteward.test.ics" | jq -j .data >"$SW_TMP/plain.stored"
DT get "${CAL}m-far@calsteward.test.ics" | jq -j .data >"$SW_TMP/far.stored"

# ---- the first sweep -----------------------------------------------------
sweep 2026-03-10T02:00:00Z
check "first sweep exits 0" rc 0
check "one summary line for the calendar" \
    grep -q "${CAL}: [0-9]* meetings, [0-9]* tasks written, [0-9]* unchanged, 0 errors" "$SW_TMP/out"
ev=$(event m-future@calsteward.test)
check "stamp: agenda first seen at the sweep" \
    sh -c 'printf "%s" "$1" | grep -q "^X-CALSTEWARD-AGENDA-SENT:20260310T020000Z"' - "$ev"
check "structured agenda attached" \
    sh -c 'printf "%s" "$1" | grep -q "^STRUCTURED-DATA;.*urn:calsteward:agenda:1"' - "$ev"
check "timetable in DESCRIPTION" \
    sh -c 'printf "%s" "$1" | tr -d "\r\n " | grep -q "02:00–02:10Reviewoflastactionitems—Bob"' - "$ev"
check "an unknown property keeps its bytes" \
    sh -c 'printf "%s" "$1" | grep -q "^X-TEST-KEEP;X-A=1:kept as it is"' - "$ev"
check "a plain event stays byte for byte" \
    sh -c '[ "$(cat "$2")" = "$1" ]' - "$(DT get "${CAL}plain@calsteward.test.ics" | jq -j .data)" "$SW_TMP/plain.stored"
check "a meeting outside the window is not touched" \
    sh -c '[ "$(cat "$2")" = "$1" ]' - "$(DT get "${CAL}m-far@calsteward.test.ics" | jq -j .data)" "$SW_TMP/far.stored"
check "action item past due: Overdue" \
    sh -c '[ "$1" = "Overdue" ]' - "$(todo 'Send the budget sheet' 'categories | join(",")')"
check "action item past due: X-CALSTEWARD-STATE:overdue" \
    sh -c '[ "$1" = overdue ]' - "$(todo 'Send the budget sheet' '"x-calsteward-state"')"
check "action item owner is Bob" \
    sh -c 'case "$1" in *bob@example.com*) exit 0;; esac; exit 1' - "$(todo 'Send the budget sheet' 'attendee | join(",")')"
check "action item not yet due: not flagged" \
    sh -c '[ "$1" = "null" ] && [ "$2" = "" ]' - \
    "$(todo 'Draft the launch plan' '"x-calsteward-state"')" \
    "$(todo 'Draft the launch plan' 'categories | join(",")')"
check "minutes overdue: the organizer's minutes task is flagged" \
    sh -c '[ "$1" = overdue ] && [ "$2" = NEEDS-ACTION ]' - \
    "$(todo_kind minutes m-nominutes@calsteward.test '"x-calsteward-state"')" \
    "$(todo_kind minutes m-nominutes@calsteward.test status)"
check "materials task ahead of its deadline: open, not flagged" \
    sh -c '[ "$1" = NEEDS-ACTION ] && [ "$2" = null ]' - \
    "$(todo_kind materials m-future@calsteward.test status)" \
    "$(todo_kind materials m-future@calsteward.test '"x-calsteward-state"')"
check "agenda task of a meeting with an agenda: completed" \
    sh -c '[ "$1" = COMPLETED ]' - "$(todo_kind agenda m-future@calsteward.test status)"
check "no task twice" \
    sh -c '[ "$(printf "%s" "$1" | jq "length")" = "$(printf "%s" "$1" | jq "[.[].uid] | unique | length")" ]' - "$(todos)"
check "the weekly series is processed" \
    sh -c 'printf "%s" "$1" | grep -q "^STRUCTURED-DATA"' - "$(event m-series@calsteward.test)"

# ---- nothing changed: nothing written ----------------------------------
before=$(etags)
sweep 2026-03-10T02:00:00Z
check "second sweep exits 0" rc 0
check "second sweep writes no task" \
    sh -c '! grep -v " 0 tasks written" "$1" | grep -q "tasks written"' - "$SW_TMP/out"
after=$(etags)
check "second sweep leaves every ETag as it was" [ "$before" = "$after" ]

# ---- a sync token the server does not know (a restored backup, a
# server rebuilt): the sweep starts over, compares ETags, writes nothing
for f in "$SW_TMP"/state/team/*.state; do
    sed -i 's/^token\t.*/token\thttp:\/\/example.com\/ns\/sync\/unknown-token/' "$f"
    sw_state_reseal "$f"
done
sweep 2026-03-10T02:00:00Z
check "unknown sync token: exit 0" rc 0
check "unknown sync token: nothing written" [ "$before" = "$(etags)" ]

# ---- the owner completes the overdue item ------------------------------
href=$(todos | jq -r '[.[] | select(.summary == "Send the budget sheet")][0].href')
$SW_DAVTOOL complete "$URL" "$USER_" "$PW" "$href" --at 2026-03-10T02:30:00Z >/dev/null
sweep 2026-03-10T03:00:00Z
check "sweep after the owner's change exits 0" rc 0
check "completed item: no Overdue category" \
    sh -c '[ "$1" = "" ]' - "$(todo 'Send the budget sheet' 'categories | join(",")')"
check "completed item: no X-CALSTEWARD-STATE" \
    sh -c '[ "$1" = null ]' - "$(todo 'Send the budget sheet' '"x-calsteward-state"')"
check "completed item: the owner's STATUS stays" \
    sh -c '[ "$1" = COMPLETED ]' - "$(todo 'Send the budget sheet' status)"

# ---- a deadline passes with nobody touching anything -------------------
sweep 2026-03-12T03:00:00Z
check "sweep at 03-12 exits 0" rc 0
check "materials deadline passed: flagged" \
    sh -c '[ "$1" = overdue ]' - "$(todo_kind materials m-future@calsteward.test '"x-calsteward-state"')"

# ---- the organizer adds materials --------------------------------------
$SW_DAVTOOL edit "$URL" "$USER_" "$PW" "${CAL}m-future@calsteward.test.ics" \
    --set-prop DESCRIPTION 'Goal: decide the Q3 budget split\n\nAgenda:\n1. Review of last action items (10 min\, Bob)\n2. Budget split (30 min\, Carol)\n\nMaterials:\n- Budget deck (budget.pdf)\n' >/dev/null
sweep 2026-03-12T04:00:00Z
check "sweep after the materials came exits 0" rc 0
check "materials task completed" \
    sh -c '[ "$1" = COMPLETED ]' - "$(todo_kind materials m-future@calsteward.test status)"
check "materials task unflagged" \
    sh -c '[ "$1" = null ]' - "$(todo_kind materials m-future@calsteward.test '"x-calsteward-state"')"
check "materials stamp set when they came" \
    sh -c 'printf "%s" "$1" | grep -q "^X-CALSTEWARD-MATERIALS-SENT:20260312T040000Z"' - "$(event m-future@calsteward.test)"

# ---- the window moves --------------------------------------------------
sweep 2026-04-25T00:00:00Z
check "sweep at 04-25 exits 0" rc 0
check "the far meeting came into the window: processed" \
    sh -c 'printf "%s" "$1" | grep -q "^STRUCTURED-DATA"' - "$(event m-far@calsteward.test)"

# ---- --dry-run ----------------------------------------------------------
sed 's/m-future@calsteward.test/m-dry@calsteward.test/; s/^DTSTART:20260314/DTSTART:20260501/; s/^DTEND:20260314/DTEND:20260501/' \
    "$DATA/m-future.ics" >"$SW_TMP/m-dry.ics"
DT seed $CAL "$SW_TMP/m-dry.ics" >/dev/null
before=$(etags)
sweep 2026-04-25T01:00:00Z --dry-run
check "dry run exits 0" rc 0
check "dry run prints the event it would write" \
    grep -q "^--- would update .*/m-dry" "$SW_TMP/out"
check "dry run prints the tasks it would create" \
    grep -q "^--- would create .*\.ics" "$SW_TMP/out"
check "dry run writes nothing" [ "$before" = "$(etags)" ]
# calendar-data comes through XML, which turns CRLF into LF: what the
# sweep writes has the CRLF of RFC 5545 again
check "what the sweep would write has CRLF line ends" \
    sh -c 'sed -n "/^--- would update/{n;p;q}" "$1" | od -c | grep -q "\\\\r"' - "$SW_TMP/out"
sweep 2026-04-25T01:00:00Z
check "the real run after a dry run processes the meeting" \
    sh -c 'printf "%s" "$1" | grep -q "^STRUCTURED-DATA"' - "$(event m-dry@calsteward.test)"

echo "1..$n"
[ "$failed" -eq 0 ]
