#!/bin/sh
# test-caldav-radicale.sh -- the CalDAV client against a real Radicale
# (Debian's radicale package) on a free loopback port (TAP).
#
# Collections, conditional PUTs (If-None-Match / If-Match), GET with ETag,
# supported components, discovery (current-user-principal ->
# calendar-home-set -> calendars, and through .well-known), DELETE, what
# the sweep asks (calendar-query, multiget, sync-collection, collection
# state, member ETags: lib-caldav.sh), wrong password, and a forwarded
# Authorization header.  Radicale is stopped by the EXIT trap.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-.}
PY=${PYTHON3:-/usr/bin/python3}
DRIVER="$builddir/tests/caldav/caldav-driver"

if ! "$PY" -c 'import radicale' 2>/dev/null; then
    echo "1..0 # SKIP radicale is not installed (apt-get install radicale)"
    exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cst-dav-radicale.XXXXXX") || exit 1
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

printf 'alice:secret\nbob:hunter2\n' >"$tmp/users"
port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$PY" -m radicale --config "" \
    --storage-filesystem-folder="$tmp/col" \
    --auth-type=htpasswd --auth-htpasswd-filename="$tmp/users" \
    --auth-htpasswd-encryption=plain --auth-delay=0 \
    --server-hosts="127.0.0.1:$port" --logging-level=warning \
    >"$tmp/radicale.log" 2>&1 &
pid=$!
BASE="http://127.0.0.1:$port"
AUTH="user=alice password=secret"

# wait until it answers (at most 15 s)
i=0
until "$DRIVER" "$BASE" op=get path=/ timeout-ms=500 | grep -q '^http: '; do
    i=$((i + 1))
    if [ $i -ge 60 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "Bail out! radicale did not start on port $port"
        sed 's/^/# /' "$tmp/radicale.log"
        exit 1
    fi
    sleep 0.25
done

n=0
failed=0
. "$srcdir/tests/caldav/lib-caldav.sh"

crlf >"$tmp/ev1.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//calsteward//test//EN
BEGIN:VEVENT
UID:ev1@calsteward.test
DTSTAMP:20250101T090000Z
DTSTART:20250110T090000Z
DTEND:20250110T100000Z
SUMMARY:Budget review
END:VEVENT
END:VCALENDAR
EOF
sed 's/Budget review/Budget review (moved)/' "$tmp/ev1.ics" >"$tmp/ev1b.ics"

# --- discovery and collections ------------------------------------------
dav "current-user-principal from /" "result: OK" "href: $BASE/alice/" -- \
    op=principal path=/ $AUTH
dav "calendar-home-set of the principal" "result: OK" "href: $BASE/alice/" -- \
    op=home path=/alice/ $AUTH
dav "MKCALENDAR work (VEVENT only)" "result: OK" "http: 201" -- \
    op=mkcalendar path=/alice/work/ displayname=Work mask=E $AUTH
dav "MKCALENDAR tasks (VTODO)" "result: OK" "http: 201" -- \
    op=mkcalendar path=/alice/tasks/ "displayname=Action items" mask=T $AUTH
dav "MKCALENDAR on an existing collection is an HTTP answer" \
    "result: OK" -- op=mkcalendar path=/alice/work/ mask=E $AUTH
code=$(field http)
n=$((n + 1))
case $code in
4*) echo "ok $n - existing collection: HTTP $code" ;;
*) echo "not ok $n - existing collection: HTTP $code, want 4xx"
   failed=$((failed + 1)) ;;
esac
dav "supported components of work" "result: OK" "mask: E" -- \
    op=components path=/alice/work/ $AUTH
dav "supported components of tasks" "result: OK" "mask: T" -- \
    op=components path=/alice/tasks/ $AUTH
dav "list calendars of the home" "result: OK" \
    "calendar: $BASE/alice/work/ E Work" \
    "calendar: $BASE/alice/tasks/ T Action items" -- \
    op=calendars path=/alice/ $AUTH

# --- conditional writes -------------------------------------------------
dav "PUT with If-None-Match: * creates" "result: OK" "http: 201" -- \
    op=put path=/alice/work/ev1.ics if-none-match=* \
    body-file="$tmp/ev1.ics" $AUTH
etag1=$(field etag)
dav "PUT again with If-None-Match: * is refused" "result: OK" "http: 412" -- \
    op=put path=/alice/work/ev1.ics if-none-match=* \
    body-file="$tmp/ev1.ics" $AUTH
dav "GET returns the object and its ETag" "result: OK" "http: 200" \
    "| UID:ev1@calsteward.test" -- op=get path=/alice/work/ev1.ics $AUTH
etag=$(field etag)
n=$((n + 1))
if [ -n "$etag" ] && { [ -z "$etag1" ] || [ "$etag" = "$etag1" ]; }; then
    echo "ok $n - GET ETag $etag (PUT gave '${etag1}')"
else
    echo "not ok $n - GET ETag '$etag' vs PUT '$etag1'"
    failed=$((failed + 1))
fi
dav "PUT with a stale If-Match is refused" "result: OK" "http: 412" -- \
    op=put path=/alice/work/ev1.ics 'if-match="stale"' \
    body-file="$tmp/ev1b.ics" $AUTH
dav "PUT with the current If-Match replaces" "result: OK" -- \
    op=put path=/alice/work/ev1.ics "if-match=$etag" \
    body-file="$tmp/ev1b.ics" $AUTH
code=$(field http)
n=$((n + 1))
case $code in
2*) echo "ok $n - replaced: HTTP $code" ;;
*) echo "not ok $n - replace: HTTP $code, want 2xx"
   failed=$((failed + 1)) ;;
esac
dav "GET sees the new version" "result: OK" "http: 200" \
    "| SUMMARY:Budget review (moved)" -- op=get path=/alice/work/ev1.ics $AUTH
etag2=$(field etag)
dav "DELETE with the old ETag is refused" "result: OK" "http: 412" -- \
    op=delete path=/alice/work/ev1.ics "if-match=$etag" $AUTH
dav "DELETE with the current ETag" "result: OK" -- \
    op=delete path=/alice/work/ev1.ics "if-match=$etag2" $AUTH
code=$(field http)
n=$((n + 1))
case $code in
2*) echo "ok $n - deleted: HTTP $code" ;;
*) echo "not ok $n - delete: HTTP $code, want 2xx"
   failed=$((failed + 1)) ;;
esac
dav "GET after DELETE is 404" "result: OK" "http: 404" -- \
    op=get path=/alice/work/ev1.ics $AUTH

# --- what the sweep asks (lib-caldav.sh) ---------------------------------
sweep_checks /alice/work/ /alice/tasks/ $AUTH
dav "sync-collection with a token Radicale never gave: INVALID_TOKEN (403)" \
    "result: OK" "sync: INVALID_TOKEN" "http: 403" -- \
    op=sync path=/alice/work/ token=http://radicale.org/ns/sync/bogus $AUTH
dav "sync-collection on the home (not a calendar): UNSUPPORTED (403)" \
    "result: OK" "sync: UNSUPPORTED" "http: 403" -- \
    op=sync path=/alice/ $AUTH
dav "collection info of the home: no calendar" "result: OK" \
    "calendar: 0" -- op=colinfo path=/alice/ $AUTH
dav "discovery from the root" "result: OK" "principal: $BASE/alice/" \
    "home: $BASE/alice/" -- op=discover path=/ $AUTH
dav "discovery from elsewhere goes through .well-known/caldav (301 to /)" \
    "result: OK" "principal: $BASE/alice/" "home: $BASE/alice/" -- \
    op=discover path=/nowhere/ $AUTH
dav "discovery with a wrong password says so" "result: IO" \
    "message: PROPFIND $BASE/: HTTP 401 (wrong user or password?)" -- \
    op=discover path=/ user=alice password=wrong
dav "REPORT with a wrong password says so" "result: IO" \
    "message: REPORT $BASE/alice/work/: HTTP 401 (wrong user or password?)" \
    -- op=query path=/alice/work/ comp=VEVENT user=alice password=wrong

# --- authentication -----------------------------------------------------
dav "wrong password: 401 reported in the response" "result: OK" \
    "http: 401" -- op=get path=/alice/work/ user=alice password=wrong
dav "wrong password in a helper: I/O error with status 401" "result: IO" \
    "http: 401" -- op=components path=/alice/work/ user=alice password=wrong
dav "forwarded Authorization header is sent as it is" "result: OK" \
    "mask: E" -- op=components path=/alice/work/ \
    "authz=Basic $(printf 'alice:secret' | base64)"
dav "another user cannot write into alice's calendar" "result: OK" -- \
    op=put path=/alice/work/ev2.ics if-none-match=* \
    body-file="$tmp/ev1.ics" user=bob password=hunter2
code=$(field http)
n=$((n + 1))
case $code in
403 | 401) echo "ok $n - other user: HTTP $code" ;;
*) echo "not ok $n - other user: HTTP $code, want 403"
   failed=$((failed + 1)) ;;
esac

echo "1..$n"
[ $failed -eq 0 ]
