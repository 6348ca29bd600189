#!/bin/sh
# test-plugin-hostile.sh -- mod_calsteward in a real Apache httpd in front
# of a real Radicale, sent what an attacker would send (TAP): wrong
# passwords with hostile bodies, Host headers and absolute targets naming
# another port, names that need escaping, a meeting with too many tasks,
# a task server that answers without an ETag (a mock: no real server
# here does).
# CalStewardBackend is unset: the module's requests go to this virtual
# host.  The cases are in hostile.py.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
here="$srcdir/tests/integration"
. "$here/lib.sh"

cst_require
cst_init plugin-hostile

# a rule of a later release: a warning at start-up, not a refusal
cat >"$CST_TMP/enforce.conf" <<'CONF'
[rules]
goal-missing = enforce
rule-of-a-later-release = warning
CONF
rec_port=$(cst_free_port)
noetag_port=$(cst_free_port)

cst_start_radicale
CST_NO_BACKEND=1 cst_start_apache "
<Location /alice/enforce/>
    CalStewardPolicy $CST_TMP/enforce.conf
</Location>
<Location \"/alice/my cal/\">
    CalStewardTasks same-collection
</Location>
<Location /alice/many/>
    CalStewardTasks /alice/manytasks/
</Location>
<Location /noetag/>
    CalStewardTasks /noetag/tasks/
    CalStewardBackend http://127.0.0.1:$noetag_port
</Location>
ProxyPass /noetag/ http://127.0.0.1:$noetag_port/noetag/ timeout=30
"
echo "# apache $APACHE_URL ($CST_MPM), radicale $RADICALE_URL, recorder $rec_port"

timeout 240 "$PYTHON3" "$here/hostile.py" --apache "$APACHE_URL" \
    --radicale "$RADICALE_URL" --log "$APACHE_LOG" \
    --access-log "$CST_TMP/apache/access.log" --rec-port "$rec_port" \
    --fixtures "$srcdir/tests/data/hostile" --noetag-port "$noetag_port"
rc=$?
if [ $rc -ne 0 ]; then
    echo "# error log (last 40 lines):"
    tail -n 40 "$APACHE_LOG" | sed 's/^/#   /'
    cst_sanitizer_reports
fi
[ $rc -eq 124 ] && echo "Bail out! hostile.py timed out"
exit $rc
