#!/bin/sh
# test-caldav-xandikos.sh -- the CalDAV client against a real Xandikos
# (Debian's xandikos package) on a free loopback port (TAP).
#
# xandikos --defaults creates /user/ with the calendar
# /user/calendars/calendar/ and no authentication; a tasks collection is
# made with MKCALENDAR.  The same sweep checks as for Radicale
# (lib-caldav.sh), discovery, and what Xandikos does differently: a
# sync-token it never gave is a 500 (not 403 valid-sync-token), a PROPFIND
# of a missing collection a 207 with a 404 entry.  Xandikos is stopped by
# the EXIT trap.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-.}
PY=${PYTHON3:-/usr/bin/python3}
DRIVER="$builddir/tests/caldav/caldav-driver"
XANDIKOS=${XANDIKOS:-/usr/bin/xandikos}

if [ ! -x "$XANDIKOS" ]; then
    echo "1..0 # SKIP xandikos is not installed (apt-get install xandikos)"
    exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cst-dav-xandikos.XXXXXX") || exit 1
pid=""
cleanup() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$XANDIKOS" -d "$tmp/data" --defaults -l 127.0.0.1 -p "$port" \
    >"$tmp/xandikos.log" 2>&1 &
pid=$!
BASE="http://127.0.0.1:$port"

# wait until it answers (at most 15 s)
i=0
until "$DRIVER" "$BASE" op=get path=/ timeout-ms=500 | grep -q '^http: '; do
    i=$((i + 1))
    if [ $i -ge 60 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "Bail out! xandikos did not start on port $port"
        sed 's/^/# /' "$tmp/xandikos.log"
        exit 1
    fi
    sleep 0.25
done

n=0
failed=0
. "$srcdir/tests/caldav/lib-caldav.sh"

CAL=/user/calendars/calendar/
TASKS=/user/calendars/tasks/

# --- discovery and collections ------------------------------------------
dav "discovery from the root" "result: OK" "principal: $BASE/user/" \
    "home: $BASE/user/calendars/" -- op=discover path=/
dav "discovery from elsewhere goes through .well-known/caldav" \
    "result: OK" "principal: $BASE/user/" "home: $BASE/user/calendars/" -- \
    op=discover path=/nowhere/
dav "MKCALENDAR tasks" "result: OK" "http: 201" -- \
    op=mkcalendar path=$TASKS displayname=Tasks mask=T
# Xandikos does not take supported-calendar-component-set in MKCALENDAR
# (a 404 propstat in its answer): the collection takes every component.
dav "tasks takes every component" "result: OK" "mask: ETJ" -- \
    op=components path=$TASKS
dav "list calendars of the home" "result: OK" \
    "~^calendar: $BASE/user/calendars/calendar/ " \
    "calendar: $BASE/user/calendars/tasks/ ETJ Tasks" -- \
    op=calendars path=/user/calendars/
dav "collection info of a missing collection: I/O failure with 404" \
    "result: IO" \
    "message: PROPFIND $BASE/user/calendars/nope/: HTTP 404 (in the 207)" \
    -- op=colinfo path=/user/calendars/nope/

# --- what the sweep asks (lib-caldav.sh) ---------------------------------
sweep_checks $CAL $TASKS
dav "sync-collection with a token Xandikos never gave: HTTP 500" \
    "result: IO" "http: 500" \
    "message: REPORT $BASE$CAL: HTTP 500" -- \
    op=sync path=$CAL token=0000000000000000000000000000000000000000
dav "sync-collection on the principal (not a calendar): HTTP 500" \
    "result: IO" "http: 500" -- op=sync path=/user/
dav "collection info of the principal: no calendar, no sync-token" \
    "result: OK" "calendar: 0" "sync-token: (none)" -- \
    op=colinfo path=/user/

echo "1..$n"
[ $failed -eq 0 ]
