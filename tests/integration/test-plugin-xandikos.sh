#!/bin/sh
# test-plugin-xandikos.sh -- mod_calsteward in a real Apache httpd in front
# of a real Xandikos (Debian's 0.2.8), both on free loopback ports (TAP):
# the scenarios of test-plugin-radicale.sh (scenarios.py) on a server that
# stores its own rewrite of every object.
#
# Xandikos has no authentication and one principal (/user/, calendars
# under /user/calendars/).  Apache's own Basic auth (mod_auth_basic,
# mod_authn_file) stands in front, so r->user names the organizer; alice
# and bob both map onto that one principal -- bob's collections are
# /user/calendars/bob-NAME/.  Locations, as in the Radicale test:
#   /                          CalSteward On, tasks to /user/calendars/tasks/
#   /user/calendars/small/     CalStewardMaxBody 2048
#   /user/calendars/enforce/   a policy with goal-missing = enforce
#   /user/calendars/load/      no task writing
#   /echo/                     scenarios.py's recording backend
# CST_MPM=prefork runs the same cases under the prefork MPM.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
here="$srcdir/tests/integration"
. "$here/lib.sh"

cst_require_apache
if [ ! -x "$XANDIKOS" ] || ! "$XANDIKOS" --version >/dev/null 2>&1; then
    cst_skip "xandikos is not installed (apt-get install xandikos)"
fi
for m in mod_auth_basic mod_authn_core mod_authn_file mod_authz_user; do
    [ -f "$APACHE_MODULES/$m.so" ] || cst_skip "no $APACHE_MODULES/$m.so"
done
cst_init plugin-xandikos

# Apache's password file: {SHA} entries (mod_authn_file reads them), so
# the test needs no htpasswd binary
"$PYTHON3" - "$CST_TMP/htpasswd" <<'EOF'
import base64, hashlib, sys
with open(sys.argv[1], "w") as f:
    for user, pw in (("alice", "alice-pw"), ("bob", "bob-pw")):
        d = base64.b64encode(hashlib.sha1(pw.encode()).digest()).decode()
        f.write("%s:{SHA}%s\n" % (user, d))
EOF
chmod 644 "$CST_TMP/htpasswd"
cat >"$CST_TMP/enforce.conf" <<'EOF'
[rules]
goal-missing = enforce
EOF
echo_port=$(cst_free_port)
home=/user/calendars

cst_start_xandikos
# one principal: the task collection is the same for every user, so the
# template has no {user}
CST_BACKEND_URL=$XANDIKOS_URL CST_TASKS=$home/tasks/ cst_start_apache "
LoadModule authn_core_module $APACHE_MODULES/mod_authn_core.so
LoadModule authn_file_module $APACHE_MODULES/mod_authn_file.so
LoadModule auth_basic_module $APACHE_MODULES/mod_auth_basic.so
LoadModule authz_user_module $APACHE_MODULES/mod_authz_user.so
<Location />
    AuthType Basic
    AuthName calsteward
    AuthBasicProvider file
    AuthUserFile $CST_TMP/htpasswd
    Require valid-user
</Location>
<Location $home/small/>
    CalStewardMaxBody 2048
</Location>
<Location $home/enforce/>
    CalStewardPolicy $CST_TMP/enforce.conf
</Location>
<Location $home/load/>
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
echo "# apache $APACHE_URL ($CST_MPM), xandikos $XANDIKOS_URL, echo $echo_port"

timeout 240 "$PYTHON3" "$here/scenarios.py" --apache "$APACHE_URL" \
    --backend "$XANDIKOS_URL" --server Xandikos \
    --home "alice=$home/" --home "bob=$home/bob-" \
    --log "$APACHE_LOG" --tmp "$CST_TMP" \
    --echo-port "$echo_port" ${CST_ONLY:+--only "$CST_ONLY"}
rc=$?
if [ $rc -ne 0 ]; then
    echo "# error log (last 40 lines):"
    tail -n 40 "$APACHE_LOG" | sed 's/^/#   /'
    if [ -s "$CST_TMP/xandikos.log" ]; then
        echo "# xandikos log (last 20 lines):"
        tail -n 20 "$CST_TMP/xandikos.log" | sed 's/^/#   /'
    fi
    cst_sanitizer_reports
fi
[ $rc -eq 124 ] && echo "Bail out! scenarios.py timed out"
exit $rc
