#!/bin/sh
# test-plugin-delivery.sh -- the module's tasks are delivered until they
# land: real Apache + the module + Radicale, the module's own requests
# through tests/sweep/faultproxy.py, which delivery.py kills for 10 s in
# the middle of a load of 200 saves (TAP).
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
here="$srcdir/tests/integration"
. "$here/lib.sh"

cst_require
cst_init plugin-delivery

proxy_port=$(cst_free_port)
cst_start_radicale
CST_BACKEND_URL=$RADICALE_URL cst_start_apache "
<Location /alice/>
    CalStewardBackend http://127.0.0.1:$proxy_port
</Location>
"
echo "# apache $APACHE_URL ($CST_MPM), radicale $RADICALE_URL, proxy $proxy_port"

fail() {
    echo "# error log (last 30 lines):"
    tail -n 30 "$APACHE_LOG" | sed 's/^/#   /'
    cst_sanitizer_reports
}
TAP="$CST_TMP/tap"
: >"$TAP"
# phase: PYTHON-SCRIPT ARGS...: its TAP lines, numbered on from the last
phase() {
    CST_TAP_START=$(grep -Ec '^(not )?ok ' "$TAP") CST_TAP_NO_PLAN=1 \
        timeout 400 "$PYTHON3" "$@" >"$CST_TMP/phase.out"
    prc=$?
    cat "$CST_TMP/phase.out"
    cat "$CST_TMP/phase.out" >>"$TAP"
    [ $prc -eq 124 ] && echo "Bail out! $(basename "$1") timed out"
    return $prc
}

phase "$here/delivery.py" --apache "$APACHE_URL" \
    --radicale "$RADICALE_URL" --proxy-port "$proxy_port" \
    --proxy-log "$CST_TMP/faultproxy.log" \
    --faultproxy "$srcdir/tests/sweep/faultproxy.py"
rc=$?

# Graceful stop with tasks still queued: the module's backend (the proxy)
# is down now; meetings saved, then Apache told to stop gracefully
# (SIGWINCH, as apachectl -k graceful-stop).  Each meeting's tasks get one
# more try within the stop time, then one CS015 line names the meeting
# and its tasks; started again with the backend back, a save of each
# meeting delivers them.
phase "$here/gracestop.py" save --apache "$APACHE_URL" \
    --out "$CST_TMP/pending" || rc=1
sleep 1
t0=$(date +%s)
kill -WINCH "$CST_APACHE_PID"
i=0
while kill -0 "$CST_APACHE_PID" 2>/dev/null && [ $i -lt 300 ]; do
    sleep 0.1
    i=$((i + 1))
done
secs=$(($(date +%s) - t0))
wait "$CST_APACHE_PID" 2>/dev/null
cp "$APACHE_LOG" "$CST_TMP/error-before-stop.log"
phase "$here/gracestop.py" logged --log "$CST_TMP/error-before-stop.log" \
    --pending "$CST_TMP/pending" --secs "$secs" || rc=1
"$PYTHON3" "$srcdir/tests/sweep/faultproxy.py" --port "$proxy_port" \
    --upstream "$RADICALE_URL" --log "$CST_TMP/faultproxy2.log" \
    >/dev/null 2>&1 &
proxy_pid=$!
CST_BACKEND_URL=$RADICALE_URL cst_start_apache "
<Location /alice/>
    CalStewardBackend http://127.0.0.1:$proxy_port
</Location>
"
phase "$here/gracestop.py" resave --apache "$APACHE_URL" \
    --radicale "$RADICALE_URL" --pending "$CST_TMP/pending" || rc=1
cst_kill "$proxy_pid" 5
echo "1..$(grep -Ec '^(not )?ok ' "$TAP")"
[ $rc -ne 0 ] && fail
exit $rc
