#!/bin/bash
# test-hostile.sh -- hostile recurrence rules and time zones
# (tests/data/hostile/): every one ends, with one line naming the file
# and exit status 2 where it is refused; never a hang.  No timing
# assertion beyond "it ended" (timeout 60).  TAP.
set -u
: "${CALSTEWARD:?}" "${top_srcdir:?}"
D="$top_srcdir/tests/data/hostile"
NOW=2026-12-02T00:00:00Z
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

# refused: FILE  WORDS-OF-THE-MESSAGE
while read -r f words; do
    for cmd in check process tasks; do
        timeout 60 "$CALSTEWARD" "$cmd" --now "$NOW" "$D/$f.ics" \
            >"$tmp/out" 2>"$tmp/err"
        rc=$?
        ok "$([ "$rc" -eq 2 ]; echo $?)" "$cmd $f: exit 2 (got $rc)"
        lines=$(wc -l <"$tmp/err")
        ok "$([ "$lines" -eq 1 ] && grep -q "$f.ics: .*$words" "$tmp/err"; echo $?)" \
            "$cmd $f: one line naming the file: $(head -c 200 "$tmp/err")"
    done
done <<'LIST'
rrule-secondly-never times a day
rrule-secondly-count times a day
rrule-minutely-yearday times a day
rrule-daily-expand times a day
tz-minutely not yearly
tz-secondly not yearly
rrule-hourly-never budget of the walk
rrule-daily-never budget of the walk
rrule-daily-hours budget of the walk
LIST

# not refused: a YEARLY rule that never matches ends by itself
timeout 60 "$CALSTEWARD" check --now "$NOW" "$D/rrule-yearly-never.ics" \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
ok "$([ "$rc" -le 1 ] && [ ! -s "$tmp/err" ]; echo $?)" \
    "rrule-yearly-never: checked, not refused (exit $rc)"
# the same meeting without the hostile rule is checked as usual
sed '/^RRULE:/d' "$D/rrule-secondly-never.ics" >"$tmp/plain.ics"
timeout 60 "$CALSTEWARD" check --now "$NOW" "$tmp/plain.ics" \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
ok "$([ "$rc" -le 1 ] && [ ! -s "$tmp/err" ]; echo $?)" \
    "without its RRULE the meeting is checked (exit $rc)"
# a yearly VTIMEZONE as real clients write it is accepted
sed 's/^RRULE:FREQ=MINUTELY/RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU/' \
    "$D/tz-minutely.ics" >"$tmp/tz-yearly.ics"
timeout 60 "$CALSTEWARD" check --now "$NOW" "$tmp/tz-yearly.ics" \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
ok "$([ "$rc" -le 1 ] && [ ! -s "$tmp/err" ]; echo $?)" \
    "a yearly zone rule is accepted (exit $rc)"

echo "1..$n"
[ "$failed" -eq 0 ]
