#!/bin/sh
# test-tasks.sh -- `calsteward tasks` end to end (spec sections 2, 4, 5).  TAP.
#
# Every output is read back with an independent parser, Debian's
# python3-icalendar (run with /usr/bin/python3: another python3 may come
# first in PATH), which must find in every VTODO the properties the
# contract names: UID, DTSTAMP, SUMMARY, DUE, STATUS, X-CALSTEWARD-KIND,
# RELATED-TO (plus ORGANIZER; PERCENT-COMPLETE 100 and COMPLETED with
# STATUS:COMPLETED; DATE-TIMEs in UTC; UIDs unique).  Then the tasks
# themselves are compared: English and Chinese minutes written here, the
# example, and every file of the corpus ($CORPUS; files the command
# rejects must exit 2 with one line on stderr).  Exit codes: 0, and 2 with
# a one-line message for bad usage or input.
#
# Environment (from the Makefile): CALSTEWARD, top_srcdir, CORPUS.
set -u
: "${CALSTEWARD:?}" "${top_srcdir:?}"
PY=/usr/bin/python3
EX="$top_srcdir/examples/budget-review.ics"
AFTER=2023-06-28T02:00:00Z   # the meetings below have ended
BEFORE=2023-06-20T02:00:00Z  # ... and have not started

if ! "$PY" -c 'import icalendar' 2>/dev/null; then
    echo "1..0 # SKIP python3-icalendar not installed (scripts/install-deps)"
    exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cst-tasks.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' HUP INT TERM
n=0
failed=0

ok() { # ok STATUS NAME -- STATUS 0 passes
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        failed=$((failed + 1))
    fi
}

run() { # run ARGS... ; sets rc, $tmp/out, $tmp/err
    "$CALSTEWARD" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
}

lines() { grep -c '' <"$1"; }

# has FILE TEXT -- FILE holds the line TEXT exactly
has() { grep -qxF -- "$2" "$1"; }

# ---- the independent validator --------------------------------------------
# validate.py [-r RELATED-TO] OUT...: checks every VTODO of each OUT (with
# -r, that RELATED-TO is the meeting's UID) and prints one row per
# VTODO:  KIND|SUMMARY|DUE|STATUS|PRIORITY|ATTENDEE|CN|UID
# where DUE is D:YYYYMMDD or T:YYYYMMDDTHHMMSSZ.  Exits 1 (with the
# problems on stderr) when one is missing something.
cat >"$tmp/validate.py" <<'PYEOF'
import datetime, sys
import icalendar

KINDS = {"agenda", "materials", "minutes", "action-item"}
REQUIRED = ("UID", "DTSTAMP", "SUMMARY", "DUE", "STATUS",
            "X-CALSTEWARD-KIND", "RELATED-TO", "ORGANIZER")
problems = []


def utc(name, v, where):
    dt = v.dt
    if isinstance(dt, datetime.datetime):
        if dt.tzinfo is None or dt.utcoffset() != datetime.timedelta(0):
            problems.append("%s: %s is not UTC: %r" % (where, name, dt))
        return "T:" + dt.strftime("%Y%m%dT%H%M%SZ")
    return "D:" + dt.strftime("%Y%m%d")


def check(path, related):
    with open(path, "rb") as f:
        data = f.read()
    try:
        cal = icalendar.Calendar.from_ical(data)
    except Exception as e:  # noqa: BLE001 -- any parse failure is one
        problems.append("%s: icalendar cannot parse it: %s" % (path, e))
        return
    if cal.name != "VCALENDAR":
        problems.append("%s: top component is %s" % (path, cal.name))
    for p in ("VERSION", "PRODID"):
        if p not in cal:
            problems.append("%s: VCALENDAR without %s" % (path, p))
    uids = set()
    for i, todo in enumerate(cal.walk("VTODO")):
        where = "%s: VTODO %d" % (path, i)
        missing = [p for p in REQUIRED if p not in todo]
        if missing:
            problems.append("%s lacks %s" % (where, ", ".join(missing)))
            continue
        uid = str(todo["UID"])
        if uid in uids:
            problems.append("%s: UID %s twice" % (where, uid))
        uids.add(uid)
        kind = str(todo["X-CALSTEWARD-KIND"])
        if kind not in KINDS:
            problems.append("%s: X-CALSTEWARD-KIND %s" % (where, kind))
        if related is not None and str(todo["RELATED-TO"]) != related:
            problems.append("%s: RELATED-TO %s, not %s"
                            % (where, todo["RELATED-TO"], related))
        status = str(todo["STATUS"])
        if status not in ("NEEDS-ACTION", "COMPLETED"):
            problems.append("%s: STATUS %s" % (where, status))
        if status == "COMPLETED" and (
                int(todo.get("PERCENT-COMPLETE", 0)) != 100
                or "COMPLETED" not in todo):
            problems.append("%s: COMPLETED without 100 %% and COMPLETED"
                            % where)
        if status == "NEEDS-ACTION" and "COMPLETED" in todo:
            problems.append("%s: NEEDS-ACTION with COMPLETED" % where)
        utc("DTSTAMP", todo["DTSTAMP"], where)
        due = utc("DUE", todo["DUE"], where)
        if "DTSTART" in todo:
            start = utc("DTSTART", todo["DTSTART"], where)
            if start > due:
                problems.append("%s: DTSTART after DUE" % where)
        att = todo.get("ATTENDEE")
        if isinstance(att, list):
            problems.append("%s: %d ATTENDEEs" % (where, len(att)))
            att = att[0]
        addr = str(att) if att is not None else ""
        cn = str(att.params.get("CN", "")) if att is not None else ""
        print("|".join([kind, str(todo["SUMMARY"]), due, status,
                        str(todo.get("PRIORITY", "")), addr, cn, uid]))


args = sys.argv[1:]
related = None
if args[:1] == ["-r"]:
    related, args = args[1], args[2:]
for a in args:
    check(a, related)
for p in problems:
    print(p, file=sys.stderr)
sys.exit(1 if problems else 0)
PYEOF

# valid OUT RELATED NAME -- OUT passes the validator; rows in OUT.rows
valid() {
    "$PY" "$tmp/validate.py" -r "$2" "$1" >"$1.rows" 2>"$1.problems"
    v=$?
    ok $v "$3: python3-icalendar reads every VTODO with the required fields"
    [ $v -eq 0 ] || sed 's/^/#   /' "$1.problems"
}

# ---- fixtures -------------------------------------------------------------
# meeting FILE UID DESCRIPTION -- 2023-06-26 10:00-11:00 Asia/Shanghai,
# organizer Zhang San, attendees Li Si, 王五, Sun Qi; DESCRIPTION is given
# with \n escapes, CRLF throughout.
meeting() {
    {
        printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n'
        printf 'BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\nBEGIN:STANDARD\r\n'
        printf 'TZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\nTZNAME:CST\r\n'
        printf 'DTSTART:19700101T000000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n'
        printf 'BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20230601T000000Z\r\n' "$2"
        printf 'SUMMARY:Budget sync\r\n'
        printf 'ORGANIZER;CN=Zhang San:mailto:zhangsan@example.com\r\n'
        printf 'ATTENDEE;CN=Li Si:mailto:lisi@example.com\r\n'
        printf 'ATTENDEE;CN=王五:mailto:wangwu@example.com\r\n'
        printf 'ATTENDEE;CN=Sun Qi:MAILTO:SunQi@Example.com\r\n'
        printf 'DTSTART;TZID=Asia/Shanghai:20230626T100000\r\n'
        printf 'DTEND;TZID=Asia/Shanghai:20230626T110000\r\n'
        printf 'DESCRIPTION:%s\r\n' "$3"
        printf 'END:VEVENT\r\nEND:VCALENDAR\r\n'
    } >"$1"
}

EN='Minutes:\nWe agreed on the split.\nAction items:\n| Task | Owner | Due | Deliverable | Priority |\n|---|---|---|---|---|\n| Send the minutes | Li Si | 2023-06-28 | minutes in wiki | high |\n- Call the vendor — Sun Qi — — notes shared\nACTION: @wangwu to book the room by 6/30 18:00\n#action lisi update the wiki\nNext meeting: 2023-07-03'
ZH=$(printf '会议纪要：\\n行动项：\\n王五负责整理预算方案，6月30日前提交给财务部\\n- 任务：更新排期；负责人：Li Si；截止：下周五；优先级：高\\n负责人\t任务\t截止日期\\n孙七\t联系供应商\t7月1日 18:00')
meeting "$tmp/en.ics" en-1@example.com "$EN"
meeting "$tmp/zh.ics" zh-1@example.com "$ZH"
printf '[output]\nlanguage = zh_CN\n' >"$tmp/zh.conf"
printf '[output]\nprep-tasks = no\n' >"$tmp/noprep.conf"
printf '[lead-times]\ndefault-due-days = 10\n' >"$tmp/due10.conf"

# ---- English minutes, after the meeting -----------------------------------
run tasks --now "$AFTER" "$tmp/en.ics"
ok $rc "en: exit 0 (got $rc)"
ok "$(lines "$tmp/err")" "en: nothing on stderr"
cp "$tmp/out" "$tmp/en.out"
valid "$tmp/en.out" en-1@example.com "en"
R="$tmp/en.out.rows"
ok "$(($(lines "$R") != 5))" "en: the minutes task and four action items"
grep -q '^minutes|Send the minutes: Budget sync|T:20230627T030000Z|COMPLETED||mailto:zhangsan@example.com|Zhang San|' "$R"
ok $? "en: minutes task completed, due end + 24 h"
grep -q '^action-item|Send the minutes|D:20230628|NEEDS-ACTION|1|mailto:lisi@example.com|Li Si|' "$R"
ok $? "en: pipe-table item: DATE due, PRIORITY 1, owner with CN"
grep -q '^action-item|Call the vendor|D:20230703|NEEDS-ACTION||mailto:sunqi@example.com|Sun Qi|' "$R"
ok $? "en: item without a due date gets the next meeting's date"
grep -q '^action-item|book the room|T:20230630T100000Z|NEEDS-ACTION||mailto:wangwu@example.com|王五|' "$R"
ok $? "en: ACTION: item with a time: UTC DATE-TIME from Asia/Shanghai"
grep -q '^action-item|update the wiki|D:20230703|NEEDS-ACTION||mailto:lisi@example.com|Li Si|' "$R"
ok $? "en: #action item"
grep -q 'DESCRIPTION:Deliverable: minutes in wiki\\nFrom the meeting: Budget s' "$tmp/en.out"
ok $? "en: DESCRIPTION holds the deliverable and the meeting"
crs=$(tr -cd '\r' <"$tmp/en.out" | wc -c)
ok "$((crs != $(lines "$tmp/en.out")))" "en: every line ends in CRLF"

# the same again, and at a later moment: the same UIDs, so saving again
# updates and never duplicates
run tasks --now "$AFTER" "$tmp/en.ics"
cmp -s "$tmp/out" "$tmp/en.out"
ok $? "en: a second run prints the same bytes"
run tasks --now 2023-07-20T00:00:00Z "$tmp/en.ics"
cp "$tmp/out" "$tmp/en2.out"
valid "$tmp/en2.out" en-1@example.com "en later"
cut -d'|' -f8 "$R" | sort >"$tmp/u1"
cut -d'|' -f8 "$tmp/en2.out.rows" | sort >"$tmp/u2"
cmp -s "$tmp/u1" "$tmp/u2"
ok $? "en: a later run gives the same UIDs"

# stdin
"$CALSTEWARD" tasks --now "$AFTER" - <"$tmp/en.ics" >"$tmp/out" 2>"$tmp/err"
rc=$?
ok $rc "en from stdin: exit 0"
cmp -s "$tmp/out" "$tmp/en.out"
ok $? "en from stdin: the same tasks"

# ---- before the meeting: preparation tasks ---------------------------------
run tasks --now "$BEFORE" "$tmp/en.ics"
ok $rc "en before: exit 0"
cp "$tmp/out" "$tmp/enb.out"
valid "$tmp/enb.out" en-1@example.com "en before"
R="$tmp/enb.out.rows"
grep -q '^agenda|Send the agenda: Budget sync|T:20230623T020000Z|NEEDS-ACTION|' "$R"
ok $? "en before: agenda task due meeting - 3 days, open"
grep -q '^materials|Send the materials: Budget sync|T:20230624T020000Z|NEEDS-ACTION|' "$R"
ok $? "en before: materials task due meeting - 2 days, open"
grep -q 'DTSTART:20230621T020000Z' "$tmp/enb.out"
ok $? "en before: agenda task starts meeting - 5 days"
ok "$(($(grep -c '^action-item|' "$R") != 4))" "en before: minutes written ahead still give their items"

# [output] prep-tasks = no
run tasks --now "$BEFORE" --policy "$tmp/noprep.conf" "$tmp/en.ics"
ok $rc "prep-tasks = no: exit 0"
cp "$tmp/out" "$tmp/np.out"
valid "$tmp/np.out" en-1@example.com "prep-tasks = no"
ok "$(grep -c -v '^action-item|' "$tmp/np.out.rows")" "prep-tasks = no: only action items"

# default-due-days from the policy, when the minutes name no next meeting
meeting "$tmp/nonext.ics" nonext@example.com 'Minutes:\nAction items:\n- Call the vendor — Sun Qi'
run tasks --now "$AFTER" --policy "$tmp/due10.conf" "$tmp/nonext.ics"
cp "$tmp/out" "$tmp/nn.out"
valid "$tmp/nn.out" nonext@example.com "default-due-days"
grep -q '^action-item|Call the vendor|D:20230706|' "$tmp/nn.out.rows"
ok $? "default-due-days = 10: due meeting + 10 days"

# ---- Chinese minutes, Chinese output ---------------------------------------
run tasks --now "$AFTER" --policy "$tmp/zh.conf" "$tmp/zh.ics"
ok $rc "zh: exit 0 (got $rc)"
ok "$(lines "$tmp/err")" "zh: nothing on stderr"
cp "$tmp/out" "$tmp/zh.out"
valid "$tmp/zh.out" zh-1@example.com "zh"
R="$tmp/zh.out.rows"
ok "$(($(lines "$R") != 4))" "zh: the minutes task and three action items"
grep -q '^minutes|发送会议纪要: Budget sync|' "$R"
ok $? "zh: the minutes task speaks Chinese"
grep -q '^action-item|整理预算方案|D:20230630|NEEDS-ACTION||mailto:wangwu@example.com|王五|' "$R"
ok $? "zh: 王五负责…，6月30日前… sentence"
grep -q '^action-item|更新排期|D:20230707|NEEDS-ACTION|1|mailto:lisi@example.com|Li Si|' "$R"
ok $? "zh: labelled fields; 下周五 = Friday of the week after the meeting's"
grep -q '^action-item|联系供应商|T:20230701T100000Z|NEEDS-ACTION|||' "$R"
ok $? "zh: tab table; owner no participant: no ATTENDEE"
grep -q '交付标准: 提交给财务部' "$tmp/zh.out"
ok $? "zh: DESCRIPTION in Chinese with the deliverable"

# ---- the example ----------------------------------------------------------
for now in "$BEFORE" 2023-06-26T02:30:00Z "$AFTER"; do
    run tasks --now "$now" "$EX"
    ok $rc "example at $now: exit 0"
    ok "$(lines "$tmp/err")" "example at $now: nothing on stderr"
    cp "$tmp/out" "$tmp/ex.out"
    valid "$tmp/ex.out" 3f6c2a0e-budget-review-q3@example.com "example at $now"
done
run tasks --now "$BEFORE" "$EX"
"$PY" "$tmp/validate.py" -r 3f6c2a0e-budget-review-q3@example.com "$tmp/out" >"$tmp/ex.rows" 2>/dev/null
grep -q '^agenda|Send the agenda: Q3 budget review / Q3预算评审|T:20230623T020000Z|COMPLETED|' "$tmp/ex.rows"
ok $? "example before: agenda task completed (agenda items there)"
grep -q 'COMPLETED:20230621T091500Z' "$tmp/out"
ok $? "example before: completed when the agenda was first sent"
grep -q '^materials|.*|COMPLETED|' "$tmp/ex.rows"
ok $? "example before: materials task completed"
grep -q '^minutes|.*|T:20230627T030000Z|NEEDS-ACTION|' "$tmp/ex.rows"
ok $? "example before: minutes task open, due end + 24 h"
run tasks --now 2023-06-26T02:30:00Z "$EX"
ok "$(grep -c '^BEGIN:VTODO' "$tmp/out")" "example during the meeting: no tasks"

# ---- bad usage and bad input: exit 2, one line naming the problem ----------
printf 'this is not iCalendar\r\n' >"$tmp/bad.ics"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n' >"$tmp/trunc.ics"
printf '[output]\nprep-tasks = maybe\n' >"$tmp/bad.conf"
check2() { # check2 NAME NEEDLE ARGS...
    name=$1
    needle=$2
    shift 2
    run "$@"
    ok "$((rc != 2))" "$name: exit 2 (got $rc)"
    ok "$(($(lines "$tmp/err") != 1))" "$name: one line on stderr"
    grep -qF -- "$needle" "$tmp/err"
    ok $? "$name: the message names $needle"
    ok "$(lines "$tmp/out")" "$name: nothing on stdout"
}
check2 "not iCalendar" "$tmp/bad.ics" tasks --now "$AFTER" "$tmp/bad.ics"
check2 "truncated" "$tmp/trunc.ics" tasks --now "$AFTER" "$tmp/trunc.ics"
check2 "missing file" "$tmp/nosuch.ics" tasks --now "$AFTER" "$tmp/nosuch.ics"
check2 "bad --now" "yesterday" tasks --now yesterday "$tmp/en.ics"
check2 "bad policy" "prep-tasks" tasks --policy "$tmp/bad.conf" "$tmp/en.ics"
run tasks --now "$AFTER" "$tmp/en.ics" "$tmp/zh.ics"
ok "$((rc != 2))" "two files: exit 2 (got $rc)"
run tasks --now "$AFTER"
ok "$((rc != 2))" "no file: exit 2 (got $rc)"
run tasks --bogus "$tmp/en.ics"
ok "$((rc != 2))" "unknown option: exit 2 (got $rc)"

# ---- the corpus: every output readable, every rejection one line ----------
if [ -n "${CORPUS:-}" ] && [ -d "$CORPUS" ]; then
    mkdir "$tmp/c"
    find "$CORPUS" -type f -name '*.ics' | LC_ALL=C sort >"$tmp/files"
    i=0
    bad_rc=0
    bad_err=0
    rejected=0
    while IFS= read -r f; do
        i=$((i + 1))
        "$CALSTEWARD" tasks --now "$BEFORE" "$f" >"$tmp/c/$i.out" \
            2>"$tmp/c/$i.err" </dev/null
        r=$?
        case $r in
        0) [ -s "$tmp/c/$i.err" ] && bad_err=$((bad_err + 1)) \
            && echo "# stderr on exit 0: $f" ;;
        2) rejected=$((rejected + 1))
           rm -f "$tmp/c/$i.out"
           if [ "$(lines "$tmp/c/$i.err")" -ne 1 ]; then
               bad_err=$((bad_err + 1))
               echo "# not one line on stderr: $f"
           fi ;;
        *) bad_rc=$((bad_rc + 1))
           echo "# exit $r: $f" ;;
        esac
    done <"$tmp/files"
    ok "$bad_rc" "corpus: $i files, exit 0 or 2 ($rejected rejected)"
    ok "$bad_err" "corpus: stderr empty on 0, one line on 2"
    if ls "$tmp/c/"*.out >/dev/null 2>&1; then
        "$PY" "$tmp/validate.py" "$tmp/c/"*.out >"$tmp/c.rows" 2>"$tmp/c.problems"
        v=$?
        ok $v "corpus: python3-icalendar reads every output ($(lines "$tmp/c.rows") VTODOs)"
        [ $v -eq 0 ] || head -20 "$tmp/c.problems" | sed 's/^/#   /'
    fi
else
    echo "# corpus not found (CORPUS='${CORPUS:-}'): skipped"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
