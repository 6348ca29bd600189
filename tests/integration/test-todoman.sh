#!/bin/sh
# test-todoman.sh -- todoman, synced by vdirsyncer, as a second task client
# (TAP): the action items that mod_calsteward writes for a meeting's
# minutes show up in `todoman --porcelain list` with their due dates.
#
#   python3-caldav (as alice) --PUT--> Apache + module --> Radicale
#                                         \-- tasks --> /alice/tasks/
#   vdirsyncer (caldav storage, through Apache, alice's credentials)
#       --> a local vdir --> todoman
#
# Debian's packages: todoman (command `todoman`; upstream calls it `todo`)
# and vdirsyncer.  Every config lives in the temp dir; nothing is read from
# or written to $HOME.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
here="$srcdir/tests/integration"
. "$here/lib.sh"

cst_require
TODOMAN=$(command -v todoman || command -v todo) ||
    cst_skip "todoman is not installed (apt-get install todoman)"
VDIRSYNCER=$(command -v vdirsyncer) ||
    cst_skip "vdirsyncer is not installed (apt-get install vdirsyncer)"
cst_init todoman
# todoman turns an all-day DUE into local midnight: read it back in UTC
TZ=UTC
export TZ

n=0
failed=0
ok() {
    n=$((n + 1))
    if [ "$1" = 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        failed=$((failed + 1))
        [ -n "${3:-}" ] && [ -f "$3" ] && sed 's/^/#   /' "$3" | tail -n 30
    fi
}

cst_start_radicale
cst_start_apache
echo "# apache $APACHE_URL ($CST_MPM), radicale $RADICALE_URL"

# 1. the meeting, with minutes and two action items, saved by python3-caldav
#    through Apache; the module writes the tasks to /alice/tasks/.  The
#    expected items (summary TAB due date) go to $CST_TMP/expected.
timeout 60 "$PYTHON3" - "$APACHE_URL" "$RADICALE_URL" "$CST_TMP/expected" \
    >"$CST_TMP/put.log" 2>&1 <<'EOF'
import datetime as dt, re, sys, time, uuid
import caldav

apache, radicale, expected = sys.argv[1:4]
now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
start = (now - dt.timedelta(days=2)).replace(minute=0, second=0)
items = [("Send the final budget", "Bob", start + dt.timedelta(days=10)),
         ("Book the room for the review", "Alice",
          start + dt.timedelta(days=12))]
z = lambda t: t.strftime("%Y%m%dT%H%M%SZ")
desc = ("Goal: decide the Q3 budget split\\n\\nAgenda:\\n"
        "1. Budget split (30 min\\, Bob)\\n\\nMinutes:\\nDecisions:\\n"
        "- budget split approved\\nAction items:\\n"
        + "".join("- %s — %s — %s\\n" % (s, o, d.strftime("%Y-%m-%d"))
                  for s, o, d in items))
uid = "todoman-%s@example.com" % uuid.uuid4()
lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//calsteward//todoman//EN",
         "BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:" + z(now),
         "SUMMARY:Budget split", "ORGANIZER;CN=Alice:mailto:alice@example.com",
         "ATTENDEE;CN=Bob:mailto:bob@example.com",
         "DTSTART:" + z(start), "DTEND:" + z(start + dt.timedelta(hours=1)),
         "DESCRIPTION:" + desc, "END:VEVENT", "END:VCALENDAR"]
client = caldav.DAVClient(url=apache, username="alice", password="alice-pw")
principal = client.principal()
cal = principal.make_calendar(name="cal", cal_id="cal",
                              supported_calendar_component_set=["VEVENT"])
principal.make_calendar(name="tasks", cal_id="tasks",
                        supported_calendar_component_set=["VTODO"])
cal.save_event("\r\n".join(lines) + "\r\n")
# the task writer runs after the response: poll Radicale (bounded)
direct = caldav.DAVClient(url=radicale, username="alice", password="alice-pw")
tasks = direct.calendar(url=radicale + "/alice/tasks/")
end = time.monotonic() + 20
while True:
    acts = [t for t in tasks.todos(include_completed=True)
            if "X-CALSTEWARD-KIND:action-item" in t.data]
    if len(acts) >= len(items) or time.monotonic() > end:
        break
    time.sleep(0.2)
print("%d action-item tasks in /alice/tasks/" % len(acts))
with open(expected, "w") as f:
    for s, o, d in items:
        f.write("%s\t%s\n" % (s, d.strftime("%Y-%m-%d")))
sys.exit(0 if len(acts) == len(items) else 1)
EOF
ok $? "the meeting saved through Apache by python3-caldav; the module wrote its 2 action-item tasks" \
    "$CST_TMP/put.log"

# 2. vdirsyncer: the task collection (through Apache) into a local vdir
mkdir -p "$CST_TMP/vdir/tasks" "$CST_TMP/vdirsyncer"
cat >"$CST_TMP/vdirsyncer.conf" <<EOF
[general]
status_path = "$CST_TMP/vdirsyncer/status/"

[pair alice_tasks]
a = "alice_tasks_local"
b = "alice_tasks_remote"
collections = null
conflict_resolution = "b wins"

[storage alice_tasks_local]
type = "filesystem"
path = "$CST_TMP/vdir/tasks/"
fileext = ".ics"

[storage alice_tasks_remote]
type = "caldav"
url = "$APACHE_URL/alice/tasks/"
username = "alice"
password = "alice-pw"
EOF
# collections = null: no collection to create, so discover asks nothing
timeout 30 "$VDIRSYNCER" -c "$CST_TMP/vdirsyncer.conf" discover </dev/null \
    >"$CST_TMP/discover.log" 2>&1
ok $? "vdirsyncer discover" "$CST_TMP/discover.log"
timeout 30 "$VDIRSYNCER" -c "$CST_TMP/vdirsyncer.conf" sync </dev/null \
    >"$CST_TMP/sync.log" 2>&1
ok $? "vdirsyncer sync" "$CST_TMP/sync.log"

# 3. todoman over the vdir
cat >"$CST_TMP/todoman.py" <<EOF
path = "$CST_TMP/vdir/*"
cache_path = "$CST_TMP/todoman-cache.sqlite3"
date_format = "%Y-%m-%d"
time_format = "%H:%M"
default_list = "tasks"
EOF
timeout 30 "$TODOMAN" --config "$CST_TMP/todoman.py" --porcelain list \
    >"$CST_TMP/list.json" 2>"$CST_TMP/list.err"
ok $? "todoman --porcelain list" "$CST_TMP/list.err"

# one assertion per action item: exactly one todo with its summary, due
# on its date
while IFS="$(printf '\t')" read -r summary due; do
    "$PYTHON3" - "$CST_TMP/list.json" "$summary" "$due" >"$CST_TMP/check.log" 2>&1 <<'EOF'
import datetime as dt, json, sys
path, summary, due = sys.argv[1:4]
try:
    todos = json.load(open(path))
except ValueError as x:
    sys.exit("not JSON: %r" % x)
hits = [t for t in todos if t.get("summary") == summary]
got = [dt.datetime.fromtimestamp(t["due"], dt.timezone.utc).strftime("%Y-%m-%d")
       if t.get("due") is not None else None for t in hits]
print("todos with this summary, due: %r" % got)
print("all: %r" % [(t.get("summary"), t.get("due")) for t in todos])
sys.exit(0 if got == [due] else 1)
EOF
    ok $? "todoman lists '$summary' due $due" "$CST_TMP/check.log"
done <"$CST_TMP/expected"

echo "1..$n"
if [ $failed -ne 0 ]; then
    echo "# error log (last 20 lines):"
    tail -n 20 "$APACHE_LOG" | sed 's/^/#   /'
    exit 1
fi
exit 0
