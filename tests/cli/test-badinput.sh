#!/bin/sh
# test-badinput.sh -- `calsteward check` on hostile and broken input (TAP).
#
# Every input is generated here into a temporary directory (no checked-in
# fixtures, some are megabytes).  For each case we assert:
#   - the exit status is the one the contract gives (spec section 5): 0/1
#     for iCalendar that can be checked, 2 for input that is not iCalendar
#     or is past one of the limits in core/cst.h; never a crash (>= 128),
#     never a timeout (each run is capped with `timeout 60`);
#   - no sanitizer report on stderr (ASan exits 1 by default, which would
#     otherwise pass for "warnings found");
#   - exit 2: stderr is exactly one line naming the file, with `FILE:LINE:`
#     where a line applies (not iCalendar, truncated, invalid UTF-8, NUL,
#     mismatched END); exit 0/1: stderr is empty;
#   - the run ends (LIMIT seconds, far above what any case needs, catches
#     a hang; how long a case takes is measured in bench/, not asserted
#     here: a loaded CI machine must not fail a correct program).
# And that several files in one call with one bad among them still report
# the good ones (exit 2).
#
# Environment (from the Makefile): CALSTEWARD = the built binary.
# Needs python3 (to generate the inputs) and timeout (coreutils).

NOW=2023-06-20T02:00:00Z
LIMIT=60  # seconds per run: past it the run is killed and fails
QUICK=10  # seconds before a TODO case (known to be slow) is killed

if [ -z "${CALSTEWARD:-}" ] || [ ! -x "$CALSTEWARD" ]; then
    echo "1..0 # SKIP CALSTEWARD is not set to the built binary"
    exit 0
fi
for tool in python3 timeout; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "1..0 # SKIP $tool not found"
        exit 0
    fi
done

# The real interpreter: python3 may be a slow wrapper (pyenv's shims).
PYTHON=$(python3 -c 'import sys; print(sys.executable)') || PYTHON=python3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cst-badinput.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' HUP INT TERM

# ---- generate the inputs -------------------------------------------------
# Each NAME.ics may come with NAME.line: the 1-based physical line that the
# error message must name.
"$PYTHON" - "$tmp" <<'PYEOF' || { echo "Bail out! could not generate inputs"; exit 99; }
import os, random, sys

d = sys.argv[1]
CRLF = b"\r\n"

def cal(desc=b"Goal: decide the Q3 budget split", extra=(), attendees=None,
        uid=b"badinput@example.com", events=1, tail=(b"END:VEVENT",
                                                    b"END:VCALENDAR")):
    """Lines (bytes, without CRLF) of a small future meeting.  The meeting
    is 2023-06-26 02:00Z, after --now; it has findings (no agenda...)."""
    if attendees is None:
        attendees = [b"ATTENDEE;CN=Li Si;ROLE=REQ-PARTICIPANT:"
                     b"mailto:lisi@example.com"]
    lines = [b"BEGIN:VCALENDAR", b"VERSION:2.0",
             b"PRODID:-//calsteward tests//badinput//EN"]
    for i in range(events):
        lines += [b"BEGIN:VEVENT",
                  b"UID:" + (uid if events == 1 else b"%d-" % i + uid),
                  b"DTSTAMP:20230619T000000Z",
                  b"DTSTART:20230626T020000Z",
                  b"DTEND:20230626T030000Z",
                  b"SUMMARY:Budget review",
                  b"ORGANIZER;CN=Zhang San:mailto:zhangsan@example.com"]
        lines += list(attendees)
        lines.append(b"DESCRIPTION:" + desc)
        lines += list(extra)
        if i + 1 < events:
            lines.append(b"END:VEVENT")
    lines += list(tail)
    return lines

def lineno(lines, prefix):
    """1-based number of the first line starting with prefix."""
    for i, l in enumerate(lines):
        if l.startswith(prefix):
            return i + 1
    raise SystemExit("no line " + repr(prefix))

def write(name, data, line=None):
    if isinstance(data, list):
        data = CRLF.join(data) + CRLF
    with open(os.path.join(d, name + ".ics"), "wb") as f:
        f.write(data)
    if line is not None:
        with open(os.path.join(d, name + ".line"), "w") as f:
            f.write("%d\n" % line)

def fold(line):
    """Folds one content line at 75 octets, never inside a UTF-8 char."""
    out, i, n = [], 0, len(line)
    while i < n:
        j = min(i + (75 if not out else 74), n)
        while i < j < n and (line[j] & 0xC0) == 0x80:
            j -= 1
        out.append((b" " if out else b"") + line[i:j])
        i = j
    return out

def cal_folded(desc, **kw):
    """cal() with a long DESCRIPTION folded as clients do."""
    l = cal(desc=b"", **kw)
    i = lineno(l, b"DESCRIPTION:") - 1
    return l[:i] + fold(b"DESCRIPTION:" + desc) + l[i + 1:]

# controls: these must check fine, so that the test is not trivially true
good = cal()
write("good1", cal(uid=b"good1@example.com"))
write("good2", cal(uid=b"good2@example.com"))
write("good-bom", b"\xef\xbb\xbf" + CRLF.join(good) + CRLF)
write("good-lf", b"\n".join(good) + b"\n")

# not iCalendar
write("plain-text", b"Hello,\r\nthis is not a calendar.\r\n", 1)
write("json", b'{"findings": [], "uid": "x@example.com"}\n', 1)
write("empty", b"", 1)
write("only-newlines", b"\r\n\r\n\r\n", 1)
rnd = random.Random(20230620)
write("binary-random", bytes(rnd.getrandbits(8) for _ in range(65536)))
write("binary-zeros", b"\0" * 4096, 1)
write("utf16", ("\ufeff" + "\r\n".join(l.decode() for l in good)
                + "\r\n").encode("utf-16-le"), 1)
write("html", b"<!DOCTYPE html>\n<html><body>BEGIN:VCALENDAR</body></html>\n",
      1)
write("vcard", b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Li Si\r\nEND:VCARD\r\n", 1)
write("no-begin", b"VERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n", 1)

# truncated
t = cal()
write("trunc-no-end-vcalendar", t[:-1])
write("trunc-no-end-vevent", t[:-2])
raw = CRLF.join(t) + CRLF
cut = raw.index(b"DESCRIPTION:") + len(b"DESCRIPTION:Goal: dec")
write("trunc-mid-line", raw[:cut])
zh = cal(desc="目标：确定Q3预算分配方案".encode("utf-8"))
raw = CRLF.join(zh) + CRLF
cut = raw.index("预".encode("utf-8")) + 1   # inside a 3-byte character
write("trunc-mid-utf8", raw[:cut])
write("trunc-after-begin", b"BEGIN:VCALENDAR\r\n")

# invalid UTF-8 in a DESCRIPTION (the line is the physical line)
for name, bad in [("utf8-ff", b"\xff\xfe"), ("utf8-overlong", b"\xc0\xaf"),
                  ("utf8-surrogate", b"\xed\xa0\x80"),
                  ("utf8-lone-continuation", b"\x80"),
                  ("utf8-cut-sequence", b"\xe7\x8e")]:
    l = cal(desc=b"Goal: decide " + bad + b" the budget")
    write(name, l, lineno(l, b"DESCRIPTION:"))
l = cal(desc=b"Goal: decide the budget", extra=[b" continued \xff here"])
write("utf8-on-folded-line", l, lineno(l, b" continued"))
l = cal(desc=b"Goal: R\xe9union budg\xe9taire")   # Latin-1
write("latin1", l, lineno(l, b"DESCRIPTION:"))

# NUL bytes
l = cal(desc=b"Goal: decide\0 the budget")
write("nul-in-description", l, lineno(l, b"DESCRIPTION:"))
l = cal(extra=[b"X-NOTE:a\0b"])
write("nul-in-x-property", l, lineno(l, b"X-NOTE:"))

# mismatched END
l = cal(tail=[b"END:VTODO", b"END:VCALENDAR"])
write("end-mismatch", l, lineno(l, b"END:VTODO"))
l = cal(tail=[b"END:VCALENDAR", b"END:VEVENT"])
write("end-swapped", l, lineno(l, b"END:VCALENDAR"))
l = good + [b"END:VEVENT"]
write("end-extra", l, len(l))
l = [b"BEGIN:VCALENDAR", b"END:VEVENT", b"END:VCALENDAR"]
write("end-before-begin", l, 2)

# big content
ten_mb = b"Goal: decide the budget\\n" + b"x" * (10 * 1024 * 1024)
write("description-10mb", cal_folded(ten_mb))
write("description-10mb-one-line", cal(desc=ten_mb))
one_mb = b"a" * 1000000
write("line-1mb-x-property", cal(extra=[b"X-LONG:" + one_mb]))
write("line-1mb-description", cal(desc=b"Goal: decide the budget\\n"
                                  + one_mb))
write("line-1mb-garbage", one_mb, 1)
l = cal(extra=[b"X-LONG:"])
size = 16 * 1024 * 1024 - len(CRLF.join(l) + CRLF)
write("line-16mib-x-property", cal(extra=[b"X-LONG:" + b"a" * size]))
# an agenda of 5000 items and minutes with 1000 action items: past
# CST_MAX_AGENDA_ITEMS / CST_MAX_ACTION_ITEMS, well under 1 MiB of text
agenda = b"Goal: decide the budget\\nAgenda:\\n" + b"".join(
    b"%d. Topic %d (5 min\\, Li Si)\\n" % (i, i) for i in range(1, 5001))
write("agenda-5000-items", cal_folded(agenda))
minutes = b"Minutes:\\nAction items:\\n" + b"".join(
    b"- Task %d \xe2\x80\x94 Li Si \xe2\x80\x94 2023-06-30 \xe2\x80\x94 "
    b"report\\n" % i for i in range(1, 1001))
write("minutes-1000-actions", cal_folded(minutes))

# attendees
people = [b"ATTENDEE;CN=Person %d;ROLE=REQ-PARTICIPANT:mailto:p%d@example.com"
          % (i, i) for i in range(10000)]
write("attendees-10000", cal(attendees=people))
people = [b"ATTENDEE:mailto:p%d@example.com" % i for i in range(20001)]
write("attendees-20001", cal(attendees=people))
people = [b"ATTENDEE;CN=Same:MAILTO:Same@Example.com"] * 10000
write("attendees-10000-same", cal(attendees=people))

# components
write("vevents-2001", cal(events=2001))
begin = [b"BEGIN:X-FOO"] * 100000
end = [b"END:X-FOO"] * 100000
write("nest-100000-x-foo", cal(extra=begin + end))
write("nest-100000-unclosed", [b"BEGIN:VCALENDAR"] + begin)
write("nest-100000-vevent", [b"BEGIN:VCALENDAR"] + [b"BEGIN:VEVENT"] * 100000)
write("nest-8-x-foo", cal(extra=[b"BEGIN:X-FOO", b"X-A:1"] * 8
                          + [b"END:X-FOO"] * 8))

# size limit: CST_MAX_OBJECT_BYTES = 16 MiB (inclusive)
def padded(size):
    head = CRLF.join(cal()[:-1]) + CRLF
    foot = b"END:VCALENDAR\r\n"
    pad_line = b"X-PAD:" + b"p" * 990 + CRLF          # 1000 bytes
    n = size - len(head) - len(foot)
    body = pad_line * (n // 1000)
    rest = n - len(body)
    if rest:
        body += b"X-PAD:" + b"q" * (rest - 8) + CRLF
    data = head + body + foot
    assert len(data) == size, (len(data), size)
    return data
write("size-16mib", padded(16 * 1024 * 1024))
write("size-16mib-plus-1", padded(16 * 1024 * 1024 + 1))
PYEOF

mkdir "$tmp/a-directory"

# ---- the cases -----------------------------------------------------------
# name | expected exits | line rule | what [| TODO: why it fails today]
#   line rule: N (the file's NAME.line holds it) = `FILE:N:` on stderr;
#              any = `FILE:<number>:`; - = the file is named, line optional;
#              ok = exit 0/1 with an empty stderr.
#   A case with a TODO reason runs with `timeout QUICK` (it is known to be
#   slow) and, when it fails, is reported `not ok ... # TODO reason`; when
#   it passes it is a plain `ok` (so no XPASS once the cause is fixed).
CASES='
good1|01|ok|control: a small meeting
good-bom|01|ok|control: UTF-8 BOM
good-lf|01|ok|control: LF line endings
plain-text|2|N|plain text
json|2|N|JSON
empty|2|N|empty file
only-newlines|2|any|blank lines only
binary-random|2|any|64 KiB of random bytes
binary-zeros|2|N|NUL bytes only
utf16|2|N|UTF-16 with BOM (Outlook export)
html|2|N|an HTML page
vcard|2|N|a vCard
no-begin|2|N|no BEGIN:VCALENDAR
trunc-no-end-vcalendar|2|any|truncated: END:VCALENDAR missing
trunc-no-end-vevent|2|any|truncated: END:VEVENT and END:VCALENDAR missing
trunc-mid-line|2|any|truncated in mid-line
trunc-mid-utf8|2|any|truncated inside a UTF-8 character
trunc-after-begin|2|any|truncated after BEGIN:VCALENDAR
utf8-ff|2|N|invalid UTF-8 (0xFF 0xFE) in DESCRIPTION
utf8-overlong|2|N|overlong UTF-8 (C0 AF) in DESCRIPTION
utf8-surrogate|2|N|UTF-8 surrogate (ED A0 80) in DESCRIPTION
utf8-lone-continuation|2|N|lone continuation byte in DESCRIPTION
utf8-cut-sequence|2|N|cut UTF-8 sequence in DESCRIPTION
utf8-on-folded-line|2|N|invalid UTF-8 on a folded continuation line
latin1|2|N|Latin-1 text in DESCRIPTION
nul-in-description|2|N|NUL byte in DESCRIPTION
nul-in-x-property|2|N|NUL byte in an X- property
end-mismatch|2|N|END:VTODO closes BEGIN:VEVENT
end-swapped|2|N|END:VCALENDAR before END:VEVENT
end-extra|2|N|an END after END:VCALENDAR
end-before-begin|2|N|END:VEVENT with no BEGIN:VEVENT
description-10mb|2|-|10 MiB DESCRIPTION (folded), past CST_MAX_TEXT_BYTES
description-10mb-one-line|2|any|10 MiB DESCRIPTION on one line: past CST_MAX_CONTENT_LINE (libical reads long lines in quadratic time)
line-1mb-x-property|01|ok|1 MB single-line X- property
line-1mb-description|01|ok|1 MB single-line DESCRIPTION (under 1 MiB)
line-1mb-garbage|2|N|1 MB single line of garbage, no newline
line-16mib-x-property|2|any|16 MiB object, one 16 MiB X- property line: past CST_MAX_CONTENT_LINE
agenda-5000-items|2|-|5000 agenda items (past CST_MAX_AGENDA_ITEMS)
minutes-1000-actions|2|-|1000 action items (past CST_MAX_ACTION_ITEMS)
attendees-10000|1|ok|10000 attendees (participant-limit)
attendees-20001|2|-|20001 attendees, past CST_MAX_PARTICIPANTS
attendees-10000-same|01|ok|10000 times the same attendee
vevents-2001|2|-|2001 VEVENTs, past CST_MAX_COMPONENTS
nest-100000-x-foo|2|-|100000 nested BEGIN:X-FOO
nest-100000-unclosed|2|-|100000 nested BEGIN:X-FOO, never closed
nest-100000-vevent|2|-|100000 nested BEGIN:VEVENT
nest-8-x-foo|01|ok|8 nested X-FOO inside a VEVENT (under CST_MAX_DEPTH)
size-16mib|01|ok|exactly 16 MiB (CST_MAX_OBJECT_BYTES)
size-16mib-plus-1|2|-|16 MiB + 1 byte
@nonexistent|2|-|a file that does not exist
@directory|2|-|a directory
@stdin-text|2|N|plain text on standard input
@stdin-16mib-plus-1|2|-|16 MiB + 1 byte on standard input
'

n_cases=$(printf '%s\n' "$CASES" | grep -c '|')
n_multi=6
echo "1..$((n_cases + n_multi))"

n=0
failed=0

# ok COND DESCRIPTION [DIAGNOSTIC FILE...]
ok()
{
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        failed=$((failed + 1))
        shift 2
        for f in "$@"; do
            [ -s "$f" ] && head -c 2000 "$f" | head -n 12 | sed 's/^/#   /'
        done
    fi
}

# run [--stdin FILE] ARG... : runs check under `timeout $limit`; sets rc,
# secs; out/err in $tmp
run()
{
    start=$(date +%s)
    if [ "$1" = --stdin ]; then
        in=$2
        shift 2
        timeout "$limit" "$CALSTEWARD" check --now "$NOW" "$@" \
            <"$in" >"$tmp/out" 2>"$tmp/err"
    else
        timeout "$limit" "$CALSTEWARD" check --now "$NOW" "$@" \
            </dev/null >"$tmp/out" 2>"$tmp/err"
    fi
    rc=$?
    secs=$(($(date +%s) - start))
}

# Prints why the run (rc, $tmp/err) breaks the expectations, or nothing.
# check_run NAME EXPECTED-EXITS LINE-RULE SHOWN-NAME
check_run()
{
    name=$1 exits=$2 rule=$3 shown=$4
    if [ "$rc" -eq 124 ]; then
        echo "timed out after ${limit}s"
        return
    fi
    if [ "$rc" -ge 128 ]; then
        echo "crashed: exit $rc (signal $((rc - 128)))"
        return
    fi
    if grep -Eq 'Sanitizer|runtime error:|==[0-9]+==ERROR' "$tmp/err"; then
        echo "sanitizer report on stderr (exit $rc)"
        return
    fi
    case $exits in
    *"$rc"*) matched=$([ "$rc" -le 9 ] && echo yes) ;;
    *) matched= ;;
    esac
    if [ -z "$matched" ]; then
        echo "exit $rc, expected one of {$(echo "$exits" | sed 's/./&,/g;s/,$//')}"
        return
    fi
    nl=$(wc -l <"$tmp/err")
    if [ "$rc" -ne 2 ]; then
        [ -s "$tmp/err" ] && echo "exit $rc but stderr is not empty"
        return
    fi
    # exit 2: exactly one line, naming the file
    if [ "$nl" -ne 1 ] || [ "$(wc -c <"$tmp/err")" -lt 2 ]; then
        echo "stderr has $nl lines, expected exactly one"
        return
    fi
    if ! grep -Fq -- "$shown" "$tmp/err"; then
        echo "stderr does not name '$shown'"
        return
    fi
    case $rule in
    N)
        want=$(cat "$tmp/$name.line")
        grep -Fq -- "$shown:$want:" "$tmp/err" ||
            echo "stderr does not name line $want as '$shown:$want:'"
        ;;
    any)
        # the file name, a colon, a number, a colon
        awk -v s="$shown:" 'index($0, s) {
                rest = substr($0, index($0, s) + length(s));
                if (rest ~ /^[1-9][0-9]*:/) found = 1 }
             END { exit !found }' "$tmp/err" ||
            echo "stderr does not name a line as '$shown:LINE:'"
        ;;
    esac
}

printf '%s\n' "$CASES" | grep '|' >"$tmp/cases"
while IFS='|' read -r name exits rule what todo; do
    limit=$LIMIT
    [ -n "$todo" ] && limit=$QUICK
    case $name in
    @nonexistent)
        file="$tmp/does-not-exist.ics"
        run "$file"
        shown=$file
        ;;
    @directory)
        file="$tmp/a-directory"
        run "$file"
        shown=$file
        ;;
    @stdin-text)
        name=plain-text
        run --stdin "$tmp/plain-text.ics" -
        shown="<stdin>"
        ;;
    @stdin-16mib-plus-1)
        run --stdin "$tmp/size-16mib-plus-1.ics" -
        shown="<stdin>"
        ;;
    *)
        file="$tmp/$name.ics"
        run "$file"
        shown=$file
        ;;
    esac
    why=$(check_run "$name" "$exits" "$rule" "$shown")
    if [ -z "$why" ]; then
        ok 0 "case $((n + 1)) $name: $what (exit $rc, ${secs}s)"
    elif [ -n "$todo" ]; then
        n=$((n + 1))
        echo "not ok $n - case $n $name: $what: $why # TODO $todo"
    else
        ok 1 "case $((n + 1)) $name: $what: $why" "$tmp/err"
    fi
done <"$tmp/cases"
limit=$LIMIT

# ---- several files in one call, one of them bad --------------------------
g1="$tmp/good1.ics" g2="$tmp/good2.ics"

# json_files: prints the distinct "file" values of $tmp/out's findings
json_files()
{
    "$PYTHON" -c '
import json, sys
doc = json.load(open(sys.argv[1]))
print("\n".join(sorted({f["file"] for f in doc["findings"]})))
' "$tmp/out" 2>&1
}

for bad in "$tmp/json.ics" "$tmp/does-not-exist.ics" \
    "$tmp/nest-100000-x-foo.ics"; do
    run --format json "$g1" "$bad" "$g2"
    why=$(check_run x 2 - "$bad")
    files=$(json_files)
    want=$(printf '%s\n%s\n' "$g1" "$g2" | sort)
    if [ -z "$why" ] && [ "$files" != "$want" ]; then
        why="findings of the good files missing from the JSON: got '$files'"
    fi
    if [ -z "$why" ] && grep -Fq -e "$g1" -e "$g2" "$tmp/err"; then
        why="stderr names a good file"
    fi
    if [ -z "$why" ]; then
        ok 0 "multi: good, $(basename "$bad"), good --format json reports both good files (exit 2)"
    else
        ok 1 "multi: good, $(basename "$bad"), good --format json: $why" \
            "$tmp/err" "$tmp/out"
    fi
done

# text format, the bad file first and last
for order in first last; do
    if [ $order = first ]; then
        run "$tmp/binary-random.ics" "$g1" "$g2"
    else
        run "$g1" "$g2" "$tmp/trunc-mid-line.ics"
    fi
    why=$(check_run x 2 - "$tmp/")
    if [ -z "$why" ] && { ! grep -Fq "$g1:" "$tmp/out" ||
        ! grep -Fq "$g2:" "$tmp/out"; }; then
        why="stdout does not report both good files"
    fi
    if [ -z "$why" ]; then
        ok 0 "multi: text format, bad file $order: good files reported (exit 2)"
    else
        ok 1 "multi: text format, bad file $order: $why" "$tmp/err" "$tmp/out"
    fi
done

# two bad files: one line for each
run "$g1" "$tmp/json.ics" "$tmp/does-not-exist.ics"
why=""
if [ "$rc" -ne 2 ]; then
    why="exit $rc, expected 2"
elif [ "$(wc -l <"$tmp/err")" -ne 2 ] ||
    ! grep -Fq "$tmp/json.ics:1:" "$tmp/err" ||
    ! grep -Fq "$tmp/does-not-exist.ics" "$tmp/err"; then
    why="stderr should hold one line per bad file"
elif ! grep -Fq "$g1:" "$tmp/out"; then
    why="the good file is not reported"
fi
if [ -z "$why" ]; then
    ok 0 "multi: two bad files, one stderr line each (exit 2)"
else
    ok 1 "multi: two bad files: $why" "$tmp/err" "$tmp/out"
fi

[ "$failed" -eq 0 ]
