#!/bin/sh
# test-caldav-cases.sh -- the CalDAV client against canned replies (TAP).
#
# For every tests/caldav/data/caseNNN: start replay.py on a free loopback
# port with the case's replies, run caldav-driver with the case's client
# lines, then let replay.py compare the recorded requests and the driver's
# output with the case's expectations.  One TAP line per case.  A case
# with an expect-request2 section gets a second replay.py on another port
# (another origin: %PORT2) serving its reply2 sections; what it recorded
# is checked too (empty: the client sent it nothing).  A case with a
# sweep-config section runs `calsteward sweep` with that configuration
# (%TMP: a scratch folder holding "secret", a 0600 password file) instead
# of the driver; its output and "sweep-exit: N" are checked.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-.}
PY=${PYTHON3:-/usr/bin/python3}
REPLAY="$srcdir/tests/caldav/replay.py"
# tests/steward/test-steward-cases.sh runs the same loop over its own
# cases with its own driver
DRIVER=${CASES_DRIVER:-"$builddir/tests/caldav/caldav-driver"}
CALSTEWARD="$builddir/cli/calsteward"
DATA=${CASES_DATA:-"$srcdir/tests/caldav/data"}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cst-dav-cases.XXXXXX") || exit 1
srv=""
srv2=""
stop2() {
    if [ -n "$srv2" ]; then
        kill "$srv2" 2>/dev/null
        wait "$srv2" 2>/dev/null
    fi
    srv2=""
}
cleanup() {
    if [ -n "$srv" ]; then
        kill "$srv" 2>/dev/null
        wait "$srv" 2>/dev/null
    fi
    stop2
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

if [ ! -x "$PY" ]; then
    echo "1..0 # SKIP no $PY"
    exit 0
fi

n=0
failed=0
for case in "$DATA"/case[0-9]*; do
    n=$((n + 1))
    id=$(basename "$case")
    name=$("$PY" "$REPLAY" section "$case" name 0 | head -n 1)
    REPLAY_PORT2=0
    log2=""
    if "$PY" "$REPLAY" section "$case" expect-request2 0 >/dev/null; then
        log2="$tmp/log2"
        : >"$tmp/port2"
        "$PY" "$REPLAY" serve "$case" "$log2" reply2 >"$tmp/port2" \
            2>"$tmp/server2.err" &
        srv2=$!
        i=0
        while [ ! -s "$tmp/port2" ] && [ $i -lt 100 ]; do
            sleep 0.05
            i=$((i + 1))
        done
        REPLAY_PORT2=$(cat "$tmp/port2")
        if [ -z "$REPLAY_PORT2" ]; then
            echo "not ok $n - $id: $name (second replay server did not start)"
            sed 's/^/# /' "$tmp/server2.err"
            failed=$((failed + 1))
            stop2
            continue
        fi
    fi
    export REPLAY_PORT2
    : >"$tmp/port"
    "$PY" "$REPLAY" serve "$case" "$tmp/log" >"$tmp/port" 2>"$tmp/server.err" &
    srv=$!
    i=0
    while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    port=$(cat "$tmp/port")
    if [ -z "$port" ]; then
        echo "not ok $n - $id: $name (replay server did not start)"
        sed 's/^/# /' "$tmp/server.err"
        failed=$((failed + 1))
        kill "$srv" 2>/dev/null
        wait "$srv" 2>/dev/null
        srv=""
        stop2
        continue
    fi
    # the driver's arguments: one per line of the client section
    set -- "http://127.0.0.1:$port"
    "$PY" "$REPLAY" section "$case" client "$port" >"$tmp/client"
    while IFS= read -r line; do
        [ -n "$line" ] && set -- "$@" "$line"
    done <"$tmp/client"
    if "$PY" "$REPLAY" section "$case" client-body "$port" >"$tmp/body"; then
        set -- "$@" "body-file=$tmp/body"
    fi
    if "$PY" "$REPLAY" section "$case" sweep-config "$port" >"$tmp/conf.in"
    then
        rm -rf "$tmp/sw"
        mkdir -p "$tmp/sw"
        (umask 077 && printf 'secret\n' >"$tmp/sw/secret")
        sed "s|%TMP|$tmp/sw|g" "$tmp/conf.in" >"$tmp/sw/calsteward.conf"
        timeout 60 "$CALSTEWARD" sweep --config "$tmp/sw/calsteward.conf" \
            --now 2026-03-10T02:00:00Z >"$tmp/out" 2>&1
        rc=$?
        echo "sweep-exit: $rc" >>"$tmp/out"
        : >"$tmp/err"
        [ $rc -ne 124 ] && rc=0
    else
        timeout 30 "$DRIVER" "$@" >"$tmp/out" 2>"$tmp/err"
        rc=$?
    fi
    kill "$srv" 2>/dev/null
    wait "$srv" 2>/dev/null
    srv=""
    stop2
    if [ $rc -eq 0 ] &&
        "$PY" "$REPLAY" check "$case" "$tmp/log" "$tmp/out" "$port" \
            $log2 >"$tmp/check"; then
        echo "ok $n - $id: $name"
    else
        echo "not ok $n - $id: $name (driver exit $rc)"
        cat "$tmp/check" 2>/dev/null
        sed 's/^/# stderr: /' "$tmp/err"
        failed=$((failed + 1))
    fi
done
echo "1..$n"
[ $failed -eq 0 ]
