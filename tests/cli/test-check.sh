#!/bin/bash
# test-check.sh -- `calsteward check` end to end: output formats, languages,
# exit codes, options and policy errors (spec sections 5 and 6).  TAP.
set -u
: "${CALSTEWARD:?}" "${top_srcdir:?}"
EX="$top_srcdir/examples/budget-review.ics"
NOW=2023-06-22T02:00:00Z
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

ok() { # ok COND-EXIT-STATUS NAME
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        failed=$((failed + 1))
    fi
}

run() { # run ARGS... ; sets out, err, rc
    "$CALSTEWARD" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    out=$(cat "$tmp/out")
    err=$(cat "$tmp/err")
}

has() { printf '%s\n' "$1" | grep -qF -- "$2"; }
lines() { printf '%s' "$1" | grep -c ''; }

# ics FILE DESCRIPTION [EXTRA-LINES] -- a meeting on 2023-06-26 10:00-11:00
# Shanghai time with three participants; DESCRIPTION uses \n escapes.
ics() {
    printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n'
    printf 'BEGIN:VEVENT\r\nUID:t-%s@example.com\r\nDTSTAMP:20230601T000000Z\r\n' "$1"
    printf 'SUMMARY:Test\r\nORGANIZER;CN=Zhang San:mailto:zhangsan@example.com\r\n'
    printf 'ATTENDEE;CN=Li Si:mailto:lisi@example.com\r\n'
    printf 'ATTENDEE;CN=王五:mailto:wangwu@example.com\r\n'
    printf 'DTSTART:20230626T020000Z\r\nDTEND:20230626T030000Z\r\n'
    printf 'DESCRIPTION:%s\r\n' "$2"
    [ $# -ge 3 ] && printf '%s\r\n' "$3"
    printf 'END:VEVENT\r\nEND:VCALENDAR\r\n'
}

GOOD='Goal: decide the Q3 budget split\n\nAgenda:\n1. Numbers (20 min\, Li Si)\n2. Decision (20 min\, 王五)\n\nMaterials:\n- draft.xlsx'
ics good "$GOOD" 'X-CALSTEWARD-AGENDA-SENT:20230620T000000Z
X-CALSTEWARD-MATERIALS-SENT:20230620T000000Z' >"$tmp/good.ics"

# --- a meeting that follows every rule: exit 0, one "no findings" line --
run check --now "$NOW" "$tmp/good.ics"
ok $((rc != 0)) "good meeting exits 0 (got $rc)"
has "$out" "1 meeting checked, no findings"; ok $? "good meeting says no findings"
ok $(( $(lines "$out") != 1 )) "good meeting prints one line"
ok $(( ${#err} != 0 )) "good meeting writes nothing to stderr"

# --- the example: warnings, exit 1, one line per finding --------------
run check --now "$NOW" "$EX"
ok $((rc != 1)) "example with warnings exits 1 (got $rc)"
has "$out" "[agenda-overrun]"; ok $? "example: agenda-overrun reported"
has "$out" "[agenda-item-incomplete]"; ok $? "example: agenda-item-incomplete reported"
has "$out" "[goal-vague]"; ok $? "example: goal-vague reported"
has "$out" "[agenda-lead-time]"; ok $((! $?)) "example: agenda stamp in time, no agenda-lead-time"
ok $(( $(lines "$out") != 3 )) "example: exactly three findings, one line each"

# due times are shown in the meeting's zone (Asia/Shanghai)
run check --now 2023-06-24T03:00:00Z "$EX"
has "$out" "[materials-lead-time] (due 2023-06-24 10:00 +08:00)"
ok $? "due time printed in the meeting's zone"

# --- info findings only: exit 0 ------------------------------------------
ics info "$GOOD" 'X-CALSTEWARD-AGENDA-SENT:20230620T000000Z' >"$tmp/info.ics"
sed -i 's/^DESCRIPTION:.*/DESCRIPTION:Goal: discuss and decide the budget\\n\\nAgenda:\\n1. Numbers (20 min\\, Li Si)\\n2. Choice (20 min\\, Wang Liu)\\n\\nMaterials:\\n- x.xlsx/' "$tmp/info.ics"
run check --now "$NOW" "$tmp/info.ics"
has "$out" "[agenda-owner-unknown]"; ok $? "info finding (agenda-owner-unknown) is reported"
ok $((rc != 0)) "only info findings: exit 0 (got $rc)"

# --- JSON ------------------------------------------------------------------
run check --now "$NOW" --format json "$EX"
ok $((rc != 1)) "json: same exit status as text (got $rc)"
printf '%s' "$out" >"$tmp/ex.json"
jq -e '.findings | length == 3' "$tmp/ex.json" >/dev/null
ok $? "json: three findings"
jq -e '.findings[] | select(.rule == "agenda-item-incomplete")
       | .item == 4 and .severity == "warning" and .due == null
         and .recurrence_id == null
         and .uid == "3f6c2a0e-budget-review-q3@example.com"
         and (.file | endswith("budget-review.ics"))' "$tmp/ex.json" >/dev/null
ok $? "json: agenda-item-incomplete has item 4, warning, no due"
jq -e '[.findings[] | keys] | all(. == ["due","file","item","message","recurrence_id","rule","severity","uid"])' \
    "$tmp/ex.json" >/dev/null
ok $? "json: every finding has exactly the contract's keys"
run check --now 2023-06-24T03:00:00Z --format json "$EX"
printf '%s' "$out" | jq -e '.findings[] | select(.rule == "materials-lead-time") | .due == "2023-06-24T10:00:00+08:00"' >/dev/null
ok $? "json: due is ISO 8601 in the meeting's zone"
run check --now "$NOW" --format json "$tmp/good.ics"
printf '%s' "$out" | jq -e '.findings == []' >/dev/null
ok $? "json: no findings gives an empty array"

# --- Chinese ----------------------------------------------------------------
run check --now "$NOW" --lang zh_CN "$EX"
has "$out" "议程第 4 项"; ok $? "zh_CN: message translated"
has "$out" "警告"; ok $? "zh_CN: severity translated"
has "$out" "[agenda-overrun]"; ok $? "zh_CN: rule ids stay as they are"
LANGUAGE= LC_ALL= LC_MESSAGES= LANG=zh_CN.UTF-8 "$CALSTEWARD" check --now "$NOW" "$EX" >"$tmp/zh" 2>/dev/null
grep -q "议程" "$tmp/zh"; ok $? "zh_CN from LANG when no --lang and no policy language"
printf '[output]\nlanguage = zh_CN\n' >"$tmp/zh.conf"
run check --now "$NOW" --policy "$tmp/zh.conf" "$EX"
has "$out" "议程第 4 项"; ok $? "zh_CN from the policy's language"
run check --now "$NOW" --policy "$tmp/zh.conf" --lang en "$EX"
has "$out" "Agenda item 4"; ok $? "--lang overrides the policy's language"
run check --now "$NOW" --lang zh_CN --format json "$EX"
printf '%s' "$out" | jq -e '.findings[] | select(.rule=="agenda-overrun") | .message | test("分钟")' >/dev/null
ok $? "zh_CN: JSON messages translated, UTF-8 intact"

# --- stdin and several files -------------------------------------------------
"$CALSTEWARD" check --now "$NOW" - <"$EX" >"$tmp/out" 2>&1
rc=$?
ok $((rc != 1)) "stdin: '-' is read (exit $rc)"
grep -q '^<stdin>: warning' "$tmp/out"; ok $? "stdin: findings name <stdin>"
printf 'hello\n' >"$tmp/notical.txt"
run check --now "$NOW" "$tmp/good.ics" "$tmp/notical.txt" "$EX"
ok $((rc != 2)) "a bad file among good ones: exit 2 (got $rc)"
has "$out" "good.ics: 1 meeting checked"; ok $? "the good files are still reported"
has "$out" "budget-review.ics: warning"; ok $? "the file after the bad one is reported"
has "$err" "notical.txt:1: not iCalendar"; ok $? "the bad file is named with its line"
ok $(( $(lines "$err") != 1 )) "one line of error for one bad file"

# --- policy ------------------------------------------------------------------
printf '[rules]\nagenda-overrun = off\nagenda-item-incomplete = enforce\n' >"$tmp/p1.conf"
run check --now "$NOW" --policy "$tmp/p1.conf" --format json "$EX"
printf '%s' "$out" | jq -e '[.findings[].rule] | index("agenda-overrun") == null' >/dev/null
ok $? "policy: a rule set off is not reported"
printf '%s' "$out" | jq -e '.findings[] | select(.rule=="agenda-item-incomplete") | .severity == "error"' >/dev/null
ok $? "policy: an enforced rule reports error"
# the example's items take 55 of its 60 minutes
printf '[meeting]\nbuffer-minutes = 6\n' >"$tmp/p2.conf"
run check --now "$NOW" --policy "$tmp/p2.conf" "$EX"
has "$out" "[agenda-overrun]"; ok $? "policy: buffer 6 makes 55 minutes overrun 60"
printf '[meeting]\nbuffer-minutes = 5\n' >"$tmp/p3.conf"
run check --now "$NOW" --policy "$tmp/p3.conf" "$EX"
has "$out" "[agenda-overrun]"; ok $((! $?)) "policy: buffer 5 fits 55 minutes into exactly 60"
printf '; comment\n[meeting]\n\nmax-participants = lots\n' >"$tmp/bad.conf"
run check --now "$NOW" --policy "$tmp/bad.conf" "$EX"
ok $((rc != 2)) "bad policy: exit 2 (got $rc)"
has "$err" "bad.conf:4:"; ok $? "bad policy: file and line named ($err)"
has "$err" "max-participants"; ok $? "bad policy: key named"
ok $(( $(lines "$err") != 1 )) "bad policy: one line"
ok $(( ${#out} != 0 )) "bad policy: nothing checked"
# a name this release does not know (a file from another release): a
# warning with the file and line, and the check goes on with the rest
printf '[meeting]\ncolour = blue\nmax-participants = 3\n[future]\nx = 1\n' >"$tmp/unk.conf"
run check --now "$NOW" --policy "$tmp/unk.conf" "$EX"
ok $((rc != 1)) "unknown key: not fatal, the findings' exit 1 (got $rc)"
has "$err" "unk.conf:2: warning: [meeting] colour: unknown key, ignored"; ok $? "unknown key: warning with file and line ($err)"
has "$err" "unk.conf:4: warning: [future]: unknown section"; ok $? "unknown section: warning with file and line"
ok $(( $(lines "$err") != 2 )) "unknown names: one line each"
has "$out" "[participant-limit]"; ok $? "unknown key: the known keys still apply"
printf '[meeting]\ncolour = blue\nmax-participants = lots\n' >"$tmp/unk2.conf"
run check --now "$NOW" --policy "$tmp/unk2.conf" "$EX"
ok $((rc != 2)) "unknown key, then a bad value: exit 2 (got $rc)"
has "$err" "unk2.conf:3:"; ok $? "unknown key, then a bad value: the bad line named"
run check --now "$NOW" --policy "$tmp/missing.conf" "$EX"
ok $((rc != 2)) "missing policy file: exit 2"
has "$err" "missing.conf"; ok $? "missing policy file: named"

# --- usage -------------------------------------------------------------------
run check --now tomorrow "$EX"
ok $((rc != 2)) "--now without ISO 8601: exit 2"
has "$err" "--now"; ok $? "--now error names the option"
run check --now 2023-06-22T02:00:00 "$EX"
ok $((rc != 2)) "--now without a zone: exit 2"
run check --now 2023-06-22T10:00:00+08:00 --format json "$EX"
ok $((rc != 1)) "--now with an offset is accepted"
run check --now 20230622T020000Z "$EX"
ok $((rc != 1)) "--now in basic format is accepted"
run check --format xml "$EX"
ok $((rc != 2)) "--format xml: exit 2"
run check --lang fr "$EX"
ok $((rc != 2)) "--lang fr: exit 2"
run check
ok $((rc != 2)) "check without a file: exit 2"
run frobnicate
ok $((rc != 2)) "unknown command: exit 2"
has "$err" "frobnicate"; ok $? "unknown command is named"
run --help
ok $((rc != 0)) "--help exits 0"
has "$out" "Usage:"; ok $? "--help prints usage"
run check --help
ok $((rc != 0)) "check --help exits 0"
run --version
has "$out" "calsteward 0."; ok $? "--version prints the version"
run check --now "$NOW" "$tmp/nonexistent.ics"
ok $((rc != 2)) "nonexistent file: exit 2"
has "$err" "nonexistent.ics"; ok $? "nonexistent file named"

# --- time: the boundary of agenda-lead-time through the command line ---------
# due is 2023-06-23T02:00:00Z; a stamp exactly then is in time, +1 s is late
ics b1 "$GOOD" 'X-CALSTEWARD-AGENDA-SENT:20230623T020000Z
X-CALSTEWARD-MATERIALS-SENT:20230620T000000Z' >"$tmp/b1.ics"
ics b2 "$GOOD" 'X-CALSTEWARD-AGENDA-SENT:20230623T020001Z
X-CALSTEWARD-MATERIALS-SENT:20230620T000000Z' >"$tmp/b2.ics"
run check --now 2023-06-25T00:00:00Z "$tmp/b1.ics"
has "$out" "agenda-lead-time"; ok $((! $?)) "stamp exactly 3 days before: in time"
run check --now 2023-06-25T00:00:00Z "$tmp/b2.ics"
has "$out" "agenda-lead-time"; ok $? "stamp 3 days minus 1 s before: late"

echo "1..$n"
[ "$failed" -eq 0 ]
