#!/bin/sh
# test-sweep-files.sh -- what `calsteward sweep` reads from disk and where
# owner-tasks may point, against hostile files and addresses (issue 16,
# item 6), on a real Radicale.  TAP.  Each case fires and does not fire:
#
#   --config on a FIFO or a device: refused at once (bounded by timeout)
#   a state file cut short at a line end, edited, or garbage: refused with
#   one line naming it, the collection left alone (nothing written, the
#   file kept); back to normal once it is valid; a file of the previous
#   release (no end line) read once and written back with one
#   owner-lists cut short: refused, kept
#   as root: a secret owned by nobody is refused (one of root is taken)
#   owner-tasks: an owner "..@example.com" and a template whose URL leaves
#   its prefix are refused, written nowhere, and reported again next run
set -u
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/sweep/lib.sh"
CALSTEWARD=${CALSTEWARD:-${top_builddir:-.}/cli/calsteward}
DATA="$SW_DIR/data"
NOW=2026-03-10T02:00:00Z

sw_require
[ -x "$CALSTEWARD" ] || cst_skip "no $CALSTEWARD"
command -v jq >/dev/null 2>&1 || cst_skip "no jq"
command -v timeout >/dev/null 2>&1 || cst_skip "no timeout"
sw_init sweep-files


# sweep CONFIG [NOW]: rc in $SW_TMP/rc, output in out / err
sweep() {
    timeout 60 "$CALSTEWARD" sweep --config "$1" --now "${2:-$NOW}" \
        >"$SW_TMP/out" 2>"$SW_TMP/err" </dev/null
    echo $? >"$SW_TMP/rc"
    sed 's/^/# out: /' "$SW_TMP/out"
    sed 's/^/# err: /' "$SW_TMP/err"
}
rc() { [ "$(cat "$SW_TMP/rc")" = "$1" ]; }
errlines() { [ "$(grep -c "$1" "$SW_TMP/err")" = "${2:-1}" ]; }

# ---- the configuration: a FIFO, a device --------------------------------
mkfifo "$SW_TMP/fifo.conf"
sweep "$SW_TMP/fifo.conf"
check "FIFO as --config: the sweep ends (no hang)" sh -c '[ "$(cat "$1")" != 124 ]' - "$SW_TMP/rc"
check "FIFO as --config: exit 2" rc 2
check "FIFO as --config: one line naming it" \
    sh -c '[ "$(wc -l <"$1")" = 1 ] && grep -q "fifo.conf: not a regular file" "$1"' - "$SW_TMP/err"
sweep /dev/zero
check "device as --config: exit 2, not a regular file" \
    sh -c '[ "$(cat "$1")" = 2 ] && grep -q "/dev/zero: not a regular file" "$2"' - "$SW_TMP/rc" "$SW_TMP/err"

# rights = authenticated: the account may write other users' lists (as
# for owner-tasks below)
SW_RADICALE_RIGHTS=authenticated
sw_start_radicale
R=$SW_RADICALE_URL
$SW_DAVTOOL mkcal "$R" alice alice-pw /alice/calendar/ --components VEVENT >/dev/null
$SW_DAVTOOL mkcal "$R" alice alice-pw /alice/tasks/ --components VTODO >/dev/null
$SW_DAVTOOL seed "$R" alice alice-pw /alice/calendar/ "$DATA/m-minutes.ics" >/dev/null
$SW_DAVTOOL seed "$R" alice alice-pw /alice/calendar/ "$DATA/m-future.ics" >/dev/null
sw_write_config "$SW_TMP/c.conf" team "$R" alice alice-pw \
    "calendars = ${R}alice/calendar/" "tasks = ${R}alice/tasks/"
check "a regular file as --config (through a symbolic link) is read" \
    sh -c 'ln -s "$1" "$2" && "$3" sweep --config "$2" --now "$4" --dry-run >/dev/null 2>&1' \
    - "$SW_TMP/c.conf" "$SW_TMP/link.conf" "$CALSTEWARD" "$NOW"

etags() {
    { $SW_DAVTOOL dump "$R" alice alice-pw /alice/calendar/
      $SW_DAVTOOL dump "$R" alice alice-pw /alice/tasks/; } |
        jq -r '.[] | .href + " " + .etag' | sort
}

sweep "$SW_TMP/c.conf"
check "first sweep exits 0" rc 0
CALSTATE=$(grep -l "^url	${R}alice/calendar/\$" "$SW_TMP"/state/team/*.state)
check "the calendar's state file ends with its end line" \
    sh -c 'tail -n 1 "$1" | grep -Eq "^end	[0-9]+	[0-9a-f]{16}\$" && head -n 1 "$1" | grep -qx "calsteward-state 2"' - "$CALSTATE"
cp "$CALSTATE" "$SW_TMP/good.state"
sweep "$SW_TMP/c.conf"
check "a valid state file is used: exit 0, nothing written" \
    sh -c '[ "$(cat "$1")" = 0 ] && ! grep -v " 0 tasks written" "$2" | grep -q "tasks written"' - "$SW_TMP/rc" "$SW_TMP/out"
before=$(etags)

# damaged STATE-FILE-CONTENT-MAKER DESCRIPTION
damaged() {
    cp "$SW_TMP/damaged" "$CALSTATE"
    sweep "$SW_TMP/c.conf"
    check "$1: exit 1" rc 1
    check "$1: one error line naming the file" errlines "$CALSTATE: damaged state file"
    check "$1: the collection's summary counts it" \
        grep -q "^${R}alice/calendar/: 0 meetings, 0 tasks written, 0 unchanged, 1 errors" "$SW_TMP/out"
    check "$1: the file is kept as it was" cmp -s "$SW_TMP/damaged" "$CALSTATE"
    check "$1: nothing written on the server" [ "$before" = "$(etags)" ]
}
# cut short at a line end: the end line and the last item gone
head -n -2 "$SW_TMP/good.state" >"$SW_TMP/damaged"
damaged "state cut short at a line end"
# an item's ETag edited by hand, the end line left as it was
sed '0,/^item/s/^\(item	.	[0-9]*	\)[^	]*/\1"edited"/' "$SW_TMP/good.state" >"$SW_TMP/damaged"
check "the edit changed the file" sh -c '! cmp -s "$1" "$2"' - "$SW_TMP/good.state" "$SW_TMP/damaged"
damaged "state edited"
# garbage after a valid header
{ echo "calsteward-state 2"; head -c 300 /dev/urandom | tr -d '\n'; echo; } >"$SW_TMP/damaged"
damaged "state garbage"

cp "$SW_TMP/good.state" "$CALSTATE"
sweep "$SW_TMP/c.conf"
check "the valid file back: exit 0" rc 0
check "the valid file back: no error line" [ ! -s "$SW_TMP/err" ]

# the previous release's file: version 1, no end line -- read once
{ echo "calsteward-state 1"; sed '1d;$d' "$SW_TMP/good.state"; } >"$CALSTATE"
sweep "$SW_TMP/c.conf"
check "a version 1 state file is read: exit 0, no error line" \
    sh -c '[ "$(cat "$1")" = 0 ] && [ ! -s "$2" ]' - "$SW_TMP/rc" "$SW_TMP/err"
check "a version 1 state file: nothing written" [ "$before" = "$(etags)" ]
check "a version 1 state file is written back as version 2" \
    sh -c 'head -n 1 "$1" | grep -qx "calsteward-state 2" && tail -n 1 "$1" | grep -q "^end	"' - "$CALSTATE"

# ---- secrets owned by another user (as root) ------------------------------
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
    chown nobody "$SW_TMP/c.conf.team.secret"
    sweep "$SW_TMP/c.conf"
    check "as root, a secret owned by nobody: exit 2" rc 2
    check "as root, a secret owned by nobody: one line naming file and owner" \
        sh -c '[ "$(wc -l <"$1")" = 1 ] && grep -q "c.conf.team.secret: owned by nobody" "$1"' - "$SW_TMP/err"
    chown root "$SW_TMP/c.conf.team.secret"
    sweep "$SW_TMP/c.conf"
    check "as root, a secret owned by root: exit 0" rc 0
else
    for d in "secret owned by nobody: exit 2" "secret owned by nobody: message" \
        "secret owned by root: exit 0"; do
        n=$((n + 1))
        echo "ok $n # SKIP not root: $d"
    done
fi

# ---- owner-tasks: ".." owners, URLs that leave the prefix ----------------
$SW_DAVTOOL mkcal "$R" alice alice-pw /alice/ocal/ --components VEVENT >/dev/null
$SW_DAVTOOL mkcal "$R" alice alice-pw /alice/otasks/ --components VTODO >/dev/null
$SW_DAVTOOL mkcal "$R" bob bob-pw /bob/tasks/ --components VTODO >/dev/null
sed 's/^ATTENDEE;CN=Dan;PARTSTAT=NEEDS-ACTION:mailto:dan@example.com/ATTENDEE;CN=Dots;PARTSTAT=ACCEPTED:mailto:..@example.com/; s/- Draft the launch plan — Carol/- Fix the dots — Dots/' \
    "$DATA/m-minutes.ics" >"$SW_TMP/dots.ics"
$SW_DAVTOOL seed "$R" alice alice-pw /alice/ocal/ "$SW_TMP/dots.ics" >/dev/null
todos_of() { $SW_DAVTOOL todos "$R" "$1" "$1-pw" "$2"; }
count() { todos_of "$1" "$2" | jq --arg s "$3" '[.[] | select(.summary == $s)] | length'; }

sw_write_config "$SW_TMP/o.conf" team "$R" alice alice-pw \
    "calendars = ${R}alice/ocal/" "tasks = ${R}alice/otasks/" \
    "owner-tasks = ${R}{user}/tasks/" "[state]" "dir = $SW_TMP/ostate"
sweep "$SW_TMP/o.conf"
check "owner ..@example.com: exit 1" rc 1
check "owner ..@example.com: one error line" \
    errlines 'not written: owner-tasks: the owner \.\.%40example\.com gives'
check "owner ..@example.com: not in the account's list either" \
    [ "$(count alice /alice/otasks/ 'Fix the dots')" = 0 ]
check "owner ..@example.com: no task of it anywhere on the server" \
    sh -c '! grep -rl "Fix the dots" "$1" | xargs grep -l "BEGIN:VTODO" | grep -q .' - "$SW_RADICALE_STORAGE"
check "Bob's item still goes to Bob's list" [ "$(count bob /bob/tasks/ 'Send the budget sheet')" = 1 ]
sweep "$SW_TMP/o.conf"
check "owner ..@example.com: reported again next run (not lost)" \
    sh -c '[ "$(cat "$1")" = 1 ]' - "$SW_TMP/rc"
check "owner ..@example.com: one error line again" \
    errlines 'not written: owner-tasks: the owner \.\.%40example\.com gives'

# OLIST: the owner-lists of this account, cut short
OLIST="$SW_TMP/ostate/team/owner-lists"
check "owner-lists ends with its end line" \
    sh -c 'head -n 1 "$1" | grep -qx "calsteward-list 2" && tail -n 1 "$1" | grep -q "^end	"' - "$OLIST"
cp "$OLIST" "$SW_TMP/olist.good"
head -n -1 "$SW_TMP/olist.good" >"$OLIST"
cp "$OLIST" "$SW_TMP/olist.bad"
sweep "$SW_TMP/o.conf"
check "owner-lists cut short: exit 1, one line naming it" \
    sh -c '[ "$(cat "$1")" = 1 ] && [ "$(grep -c "owner-lists: damaged state file" "$2")" = 1 ]' \
    - "$SW_TMP/rc" "$SW_TMP/err"
check "owner-lists cut short: kept as it was" cmp -s "$SW_TMP/olist.bad" "$OLIST"
cp "$SW_TMP/olist.good" "$OLIST"

# a template that climbs out of its prefix once filled in (%2E%2E is a
# dot segment to the server); the template itself resolves as it is
$SW_DAVTOOL mkcal "$R" alice alice-pw /alice/pcal/ --components VEVENT >/dev/null
$SW_DAVTOOL mkcal "$R" alice alice-pw /alice/xtasks/ --components VTODO >/dev/null
$SW_DAVTOOL mkcal "$R" alice alice-pw /alice/ptasks/ --components VTODO >/dev/null
$SW_DAVTOOL seed "$R" alice alice-pw /alice/pcal/ "$DATA/m-minutes.ics" >/dev/null
sw_write_config "$SW_TMP/p.conf" team "$R" alice alice-pw \
    "calendars = ${R}alice/pcal/" "tasks = ${R}alice/ptasks/" \
    "owner-tasks = ${R}dav/{user}/%2E%2E/%2E%2E/alice/xtasks/" "[state]" "dir = $SW_TMP/pstate"
sweep "$SW_TMP/p.conf"
check "template leaving its prefix: exit 1" rc 1
check "template leaving its prefix: one line per item" \
    errlines "is not under the template's prefix; refused" 2
check "template leaving its prefix: nothing in the list it points to" \
    [ "$(todos_of alice /alice/xtasks/ | jq length)" = 0 ]
check "template leaving its prefix: nothing in the account's list" \
    [ "$(count alice /alice/ptasks/ 'Send the budget sheet')" = 0 ]
check "template leaving its prefix: the organizer's own task is written" \
    [ "$(count alice /alice/ptasks/ 'Send the minutes: Launch review')" = 1 ]

# a template whose placeholder does not survive resolution: bad config
sw_write_config "$SW_TMP/q.conf" team "$R" alice alice-pw \
    "calendars = ${R}alice/pcal/" "owner-tasks = ${R}dav/{user}/../../x/"
sweep "$SW_TMP/q.conf"
check "template with {user}/..: exit 2, one line" \
    sh -c '[ "$(cat "$1")" = 2 ] && [ "$(grep -c "owner-tasks: a \"..\" after" "$2")" = 1 ]' - "$SW_TMP/rc" "$SW_TMP/err"
sw_write_config "$SW_TMP/q.conf" team "$R" alice alice-pw \
    "calendars = ${R}alice/pcal/" "owner-tasks = http://{user}.example.com/tasks/"
sweep "$SW_TMP/q.conf"
check "template with {user} in the host: exit 2, one line" \
    sh -c '[ "$(cat "$1")" = 2 ] && [ "$(grep -c "owner-tasks: {user} and {addr} go in the path" "$2")" = 1 ]' - "$SW_TMP/rc" "$SW_TMP/err"

echo "1..$n"
[ "$failed" -eq 0 ]
