#!/bin/sh
# test-plugin-radicale.sh -- mod_calsteward in a real Apache httpd in front
# of a real Radicale, both on free loopback ports (TAP).
#
# The configuration below is the case's fixture; the requests, expected
# statuses, bodies and error-log lines are in scenarios.py.  Locations:
#   /               CalSteward On, tasks to /{user}/tasks/ (Radicale)
#   /alice/small/   CalStewardMaxBody 2048 (fail open on larger bodies)
#   /alice/enforce/ a policy with goal-missing = enforce
#   /alice/load/    no task writing (the concurrency case counts events)
#   /echo/          proxied to scenarios.py's recording backend (also its
#                   CalStewardBackend), to see the exact bytes that leave
#                   the module
# CST_MPM=prefork runs the same cases under the prefork MPM.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
here="$srcdir/tests/integration"
. "$here/lib.sh"

cst_require
cst_init plugin-radicale

cat >"$CST_TMP/enforce.conf" <<'EOF'
[rules]
goal-missing = enforce
EOF
echo_port=$(cst_free_port)

cst_start_radicale
cst_start_apache "
<Location /alice/small/>
    CalStewardMaxBody 2048
</Location>
<Location /alice/enforce/>
    CalStewardPolicy $CST_TMP/enforce.conf
</Location>
<Location /alice/load/>
    CalStewardTasks off
</Location>
<Location /echo/>
    CalStewardTasks off
    CalStewardBackend http://127.0.0.1:$echo_port
</Location>
<Location /echo/small/>
    CalStewardMaxBody 2048
</Location>
ProxyPass /echo/ http://127.0.0.1:$echo_port/echo/ timeout=30
"
echo "# apache $APACHE_URL ($CST_MPM), radicale $RADICALE_URL, echo $echo_port"

# bounded: the whole run must not hang a `make check`
timeout 240 "$PYTHON3" "$here/scenarios.py" --apache "$APACHE_URL" \
    --radicale "$RADICALE_URL" --log "$APACHE_LOG" --tmp "$CST_TMP" \
    --echo-port "$echo_port" ${CST_ONLY:+--only "$CST_ONLY"}
rc=$?
if [ $rc -ne 0 ]; then
    echo "# error log (last 40 lines):"
    tail -n 40 "$APACHE_LOG" | sed 's/^/#   /'
    if [ -s "$CST_TMP/radicale.log" ]; then
        echo "# radicale log (last 20 lines):"
        tail -n 20 "$CST_TMP/radicale.log" | sed 's/^/#   /'
    fi
    cst_sanitizer_reports
fi
[ $rc -eq 124 ] && echo "Bail out! scenarios.py timed out"
exit $rc
