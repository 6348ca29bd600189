#!/bin/sh
# test-sweep-digest.sh -- the weekly follow-up digest (spec section 10) on
# a real Radicale: one VTODO per organizer and week in the account's task
# collection, listing the overdue and due-this-week action items by owner.
# TAP.
#
#   Wed 03-11  Bob's item is overdue, Carol's due Friday, Dan's in two
#              weeks: one digest, "Follow up 1 overdue action item", due
#              Monday 03-09, Bob before Carol, Dan not listed
#   again      nothing written
#   edit       the organizer writes a note and a priority into it
#   Thu 03-12  Bob completes his item: the digest completes itself, the
#              note and the priority stay
#   Tue 03-17  Carol's item is overdue: a new digest for the new week
#   Tue 03-24  still overdue: week 13's digest, and week 12's is closed
#   zh_CN      Bob's meeting, policy in Chinese: 跟进 1 项逾期行动项
#   off        [sweep] digest = off writes none; --dry-run writes none
set -u
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/sweep/lib.sh"
CALSTEWARD=${CALSTEWARD:-${top_builddir:-.}/cli/calsteward}

sw_require
[ -x "$CALSTEWARD" ] || cst_skip "no $CALSTEWARD"
command -v jq >/dev/null 2>&1 || cst_skip "no jq"
sw_init sweep-digest


sw_start_radicale
R=$SW_RADICALE_URL
$SW_DAVTOOL mkcal "$R" alice alice-pw /alice/calendar/ --components VEVENT >/dev/null
$SW_DAVTOOL mkcal "$R" alice alice-pw /alice/tasks/ --components VTODO >/dev/null
$SW_DAVTOOL mkcal "$R" bob bob-pw /bob/calendar/ --components VEVENT >/dev/null
$SW_DAVTOOL mkcal "$R" bob bob-pw /bob/tasks/ --components VTODO >/dev/null

crlf() { sed 's/$/\r/'; }
crlf >"$SW_TMP/launch.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//calsteward tests//EN
BEGIN:VEVENT
UID:digest-launch@calsteward.test
DTSTAMP:20260301T000000Z
SUMMARY:Launch review
ORGANIZER;CN=Alice:mailto:alice@example.com
ATTENDEE;CN=Bob:mailto:bob@example.com
ATTENDEE;CN=Carol:mailto:carol@example.com
ATTENDEE;CN=Dan:mailto:dan@example.com
X-CALSTEWARD-MINUTES-SENT:20260305T120000Z
DTSTART:20260305T020000Z
DTEND:20260305T030000Z
DESCRIPTION:Goal: approve the launch\n\nMinutes:\nAction items:\n- Send th
 e budget sheet — Bob — 2026-03-09 — spreadsheet\n- Draft the launch plan 
 — Carol — 2026-03-13 — plan document\n- Book the venue — Dan — 2026-03-2
 5 — a signed contract\n
END:VEVENT
END:VCALENDAR
EOF
crlf >"$SW_TMP/zh.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//calsteward tests//EN
BEGIN:VEVENT
UID:digest-zh@calsteward.test
DTSTAMP:20260301T000000Z
SUMMARY:预算评审
ORGANIZER;CN=Bob:mailto:bob@example.com
ATTENDEE;CN=赵六:mailto:zhaoliu@example.com
X-CALSTEWARD-MINUTES-SENT:20260305T120000Z
DTSTART:20260305T020000Z
DTEND:20260305T030000Z
DESCRIPTION:目标：确定预算\n\n会议纪要：\n行动项：\n- 整理预算分配表 — 赵六 — 2026-03-
 09 — 表格\n
END:VEVENT
END:VCALENDAR
EOF
$SW_DAVTOOL seed "$R" alice alice-pw /alice/calendar/ "$SW_TMP/launch.ics" >/dev/null
$SW_DAVTOOL seed "$R" bob bob-pw /bob/calendar/ "$SW_TMP/zh.ics" >/dev/null
printf '[output]\nlanguage = zh_CN\n' >"$SW_TMP/zh.policy"

sw_write_config "$SW_TMP/c.conf" team "$R" alice alice-pw \
    "calendars = ${R}alice/calendar/" "tasks = ${R}alice/tasks/" \
    "organizer = self"

sweep() { # sweep CONFIG NOW [options]
    c=$1
    t=$2
    shift 2
    "$CALSTEWARD" sweep --config "$c" --now "$t" "$@" \
        >"$SW_TMP/out" 2>"$SW_TMP/err"
    echo $? >"$SW_TMP/rc"
    sed 's/^/# out: /' "$SW_TMP/out" | head -30
    sed 's/^/# err: /' "$SW_TMP/err"
}
rc() { [ "$(cat "$SW_TMP/rc")" = "$1" ]; }
digests() { # digests USER: the digest tasks of USER's task list, as JSON
    $SW_DAVTOOL todos "$R" "$1" "$1-pw" "/$1/tasks/" |
        jq -c '[.[] | select(."x-calsteward-kind" == "digest")] | sort_by(.due)'
}
field() { # field JSON INDEX FIELD
    printf '%s' "$1" | jq -r ".[$2].$3"
}
written() { # written N: the task list's summary line says N written
    grep -q "tasks/: 0 meetings, $1 tasks written" "$SW_TMP/out"
}

# ---- Wednesday of week 11 -------------------------------------------------
sweep "$SW_TMP/c.conf" 2026-03-11T12:00:00Z
check "first sweep: exit 0" rc 0
D=$(digests alice)
echo "# $D"
check "one digest in alice's task list" sh -c '[ "$(printf "%s" "$1" | jq length)" = 1 ]' - "$D"
check "the digest is written as a task of the task list" written 1
check "SUMMARY counts the overdue items" \
    sh -c '[ "$1" = "Follow up 1 overdue action item" ]' - "$(field "$D" 0 summary)"
check "DUE is the week's Monday, a DATE" \
    sh -c '[ "$1" = 20260309 ] && [ "$2" = DATE ]' - "$(field "$D" 0 due)" \
    "$(field "$D" 0 '"due-params".VALUE')"
check "open while something is overdue" \
    sh -c '[ "$1" = NEEDS-ACTION ]' - "$(field "$D" 0 status)"
check "the organizer is Alice" \
    sh -c '[ "$1" = mailto:alice@example.com ]' - "$(field "$D" 0 organizer)"
DESC=$(field "$D" 0 description)
printf '%s\n' "$DESC" | sed 's/^/# desc: /'
check "Bob's overdue item is listed, with its due date and meeting" \
    sh -c 'printf "%s" "$1" | grep -qx "\- Send the budget sheet — overdue, due 2026-03-09 — Launch review (2026-03-05)"' - "$DESC"
check "Carol's item due this week is listed" \
    sh -c 'printf "%s" "$1" | grep -qx "\- Draft the launch plan — due 2026-03-13 — Launch review (2026-03-05)"' - "$DESC"
check "Dan's item due in two weeks is not listed" \
    sh -c '! printf "%s" "$1" | grep -q "Book the venue"' - "$DESC"
check "grouped by owner, by name: Bob before Carol" \
    sh -c 'printf "%s" "$1" | grep -x "Bob <bob@example.com>\|Carol <carol@example.com>" | tr "\n" "|" | grep -qx "Bob <bob@example.com>|Carol <carol@example.com>|"' - "$DESC"
check "the counts head the list" \
    sh -c 'printf "%s" "$1" | grep -qx "Overdue: 1" && printf "%s" "$1" | grep -qx "Due this week: 1"' - "$DESC"
check "the digest itself is not flagged Overdue" \
    sh -c '[ "$1" = null ] && [ "$2" = "" ]' - "$(field "$D" 0 '"x-calsteward-state"')" \
    "$(field "$D" 0 'categories | join(",")')"
HREF=$(field "$D" 0 href)

# ---- again: nothing to write ---------------------------------------------
sweep "$SW_TMP/c.conf" 2026-03-11T13:00:00Z
if rc 0 && written 0; then
    ok "again: exit 0, nothing written"
else
    nok "again: exit 0, nothing written"
fi

# ---- the organizer's own changes -----------------------------------------
"$SW_PY" - "$SW_DIR" "$R" "$HREF" <<'EOF' >/dev/null
import sys
sys.path.insert(0, sys.argv[1])
import davtool
base, href = sys.argv[2], sys.argv[3]
c = davtool.Raw(base, "alice", "alice-pw")
etag, text = davtool.fetch_text(c, href)
# a client's edit: a note typed above calsteward's block, a priority
text = text.replace("DESCRIPTION:", "DESCRIPTION:Called Bob on Monday\\n\\n", 1)
text = davtool.edit_text(text, [("PRIORITY", "1")])
sys.exit(davtool.put_back(c, href, etag, text))
EOF
D=$(digests alice)
check "the organizer's edit is stored" \
    sh -c '[ "$1" = 1 ]' - "$(field "$D" 0 priority)"

# ---- Thursday: Bob completes his item -------------------------------------
BOB_HREF=$($SW_DAVTOOL todos "$R" alice alice-pw /alice/tasks/ |
    jq -r '[.[] | select(.summary == "Send the budget sheet")][0].href')
$SW_DAVTOOL complete "$R" alice alice-pw "$BOB_HREF" --at 2026-03-12T08:00:00Z >/dev/null
sweep "$SW_TMP/c.conf" 2026-03-12T09:00:00Z
check "Thursday: exit 0" rc 0
D=$(digests alice)
echo "# $D"
check "still one digest this week (same UID)" \
    sh -c '[ "$(printf "%s" "$1" | jq length)" = 1 ] && [ "$2" = "$3" ]' - "$D" \
    "$(field "$D" 0 href)" "$HREF"
check "nothing overdue: COMPLETED" \
    sh -c '[ "$1" = COMPLETED ] && [ "$2" = 100 ]' - "$(field "$D" 0 status)" \
    "$(field "$D" 0 '"percent-complete"')"
check "nothing overdue: the summary says so" \
    sh -c '[ "$1" = "Follow up: no overdue action items" ]' - "$(field "$D" 0 summary)"
DESC=$(field "$D" 0 description)
printf '%s\n' "$DESC" | sed 's/^/# desc: /'
check "the organizer's note stays above the new list" \
    sh -c 'printf "%s" "$1" | head -n1 | grep -qx "Called Bob on Monday" && ! printf "%s" "$1" | grep -q "Send the budget sheet" && printf "%s" "$1" | grep -q "Draft the launch plan"' - "$DESC"
check "the organizer's priority stays" \
    sh -c '[ "$1" = 1 ]' - "$(field "$D" 0 priority)"

# ---- Tuesday of week 12: Carol's item is overdue --------------------------
sweep "$SW_TMP/c.conf" 2026-03-17T09:00:00Z
check "next week: exit 0" rc 0
D=$(digests alice)
echo "# $D"
check "a second digest for the new week" \
    sh -c '[ "$(printf "%s" "$1" | jq length)" = 2 ] && [ "$2" = 20260316 ]' - "$D" \
    "$(field "$D" 1 due)"
check "the new week's: Carol's item overdue, open" \
    sh -c '[ "$1" = "Follow up 1 overdue action item" ] && [ "$2" = NEEDS-ACTION ] && printf "%s" "$3" | grep -q "Draft the launch plan — overdue, due 2026-03-13"' - \
    "$(field "$D" 1 summary)" "$(field "$D" 1 status)" "$(field "$D" 1 description)"
check "last week's digest, completed on Thursday, stays so" \
    sh -c '[ "$1" = COMPLETED ]' - "$(field "$D" 0 status)"

# ---- Tuesday of week 13: Carol's item still overdue ------------------------
sweep "$SW_TMP/c.conf" 2026-03-24T09:00:00Z
check "week 13: exit 0" rc 0
D=$(digests alice)
echo "# $D"
check "week 13: a third digest, Carol's item in it, open" \
    sh -c '[ "$(printf "%s" "$1" | jq length)" = 3 ] && [ "$2" = 20260323 ] && [ "$3" = NEEDS-ACTION ] && printf "%s" "$4" | grep -q "Draft the launch plan — overdue"' - \
    "$D" "$(field "$D" 2 due)" "$(field "$D" 2 status)" "$(field "$D" 2 description)"
check "week 13: week 12's digest, still open, is closed: the new one carries it" \
    sh -c '[ "$1" = COMPLETED ] && [ "$2" = "Follow up 1 overdue action item" ]' - \
    "$(field "$D" 1 status)" "$(field "$D" 1 summary)"

# ---- Chinese --------------------------------------------------------------
sw_write_config "$SW_TMP/zh.conf" bob "$R" bob bob-pw \
    "calendars = ${R}bob/calendar/" "tasks = ${R}bob/tasks/" \
    "organizer = self" "policy = $SW_TMP/zh.policy" \
    "[state]" "dir = $SW_TMP/zhstate"
sweep "$SW_TMP/zh.conf" 2026-03-11T12:00:00Z
check "zh_CN: exit 0" rc 0
D=$(digests bob)
echo "# $D"
check "zh_CN: SUMMARY in Chinese" \
    sh -c '[ "$1" = "跟进 1 项逾期行动项" ]' - "$(field "$D" 0 summary)"
check "zh_CN: the item under its owner, in Chinese" \
    sh -c 'printf "%s" "$1" | grep -qx "赵六 <zhaoliu@example.com>" && printf "%s" "$1" | grep -q "整理预算分配表 — 已逾期，截止 2026-03-09"' - \
    "$(field "$D" 0 description)"

# ---- off, and --dry-run ----------------------------------------------------
for u in alice; do
    for h in $($SW_DAVTOOL todos "$R" $u $u-pw /$u/tasks/ | jq -r '.[] | select(."x-calsteward-kind" == "digest") | .href'); do
        $SW_DAVTOOL delete "$R" $u $u-pw "$h" >/dev/null
    done
done
sw_write_config "$SW_TMP/off.conf" team "$R" alice alice-pw \
    "calendars = ${R}alice/calendar/" "tasks = ${R}alice/tasks/" \
    "organizer = self" "[sweep]" "digest = off" "[state]" "dir = $SW_TMP/offstate"
sweep "$SW_TMP/off.conf" 2026-03-25T09:00:00Z
check "digest = off: exit 0, no digest" \
    sh -c 'rc() { [ "$(cat "$2")" = "$1" ]; }; rc 0 "$1" && [ "$(printf "%s" "$2" | jq length)" = 0 ]' - \
    "$SW_TMP/rc" "$(digests alice)"
sweep "$SW_TMP/c.conf" 2026-03-25T09:00:00Z --dry-run
check "--dry-run: shows the digest it would create, writes none" \
    sh -c 'grep -q "^--- would create .*/alice/tasks/" "$1" && grep -q "^X-CALSTEWARD-KIND:digest" "$1" && [ "$(printf "%s" "$2" | jq length)" = 0 ]' - \
    "$SW_TMP/out" "$(digests alice)"

echo "1..$n"
[ "$failed" = 0 ]
