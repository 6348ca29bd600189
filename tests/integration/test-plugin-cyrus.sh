#!/bin/sh
# test-plugin-cyrus.sh -- mod_calsteward in a real Apache httpd in front of
# a real Cyrus IMAP 3.6 CalDAV server (Debian 12's cyrus-imapd,
# cyrus-caldav, sasl2-bin), both on free loopback ports (TAP): the
# scenarios of test-plugin-radicale.sh (scenarios.py), then what Cyrus
# does to the agenda (cyrus_agenda.py).
#
# Cyrus runs from the test's temp dir only: its own imapd.conf and
# cyrus.conf (every service gets the same -C), configdirectory, partition
# and a sasldb there (sasl_pwcheck_method auxprop); /etc/imapd.conf,
# /etc/cyrus.conf and the Debian service are never used.  Users alice and
# bob log in over IMAP once (Python's imaplib), which creates their INBOX
# (autocreate_quota); only then does Cyrus' CalDAV provision their
# calendar home /dav/calendars/user/USER/.  Cyrus checks the passwords
# itself (Basic); Apache forwards Authorization, as with Radicale.
#
# Cyrus stores every object re-serialised by libical 3.0: STRUCTURED-DATA
# is dropped, and so is the SCHEMA parameter.  So the server-wide policy
# here is `[output] agenda-property = x-property` (the agenda goes into
# X-CALSTEWARD-AGENDA), which is how doc/interop.md says to run calsteward
# on Cyrus; /dav/calendars/user/alice/plain/ keeps the default, to show
# what Cyrus does to STRUCTURED-DATA.  Locations:
#   /                                  CalSteward On, x-property policy,
#                                      tasks to /dav/calendars/user/{user}/tasks/
#   /dav/calendars/user/alice/small/   CalStewardMaxBody 2048
#   /dav/calendars/user/alice/enforce/ goal-missing = enforce (x-property)
#   /dav/calendars/user/alice/load/    no task writing
#   /dav/calendars/user/alice/plain/   the default policy (STRUCTURED-DATA)
#   /echo/                             scenarios.py's recording backend
#                                      (/echo/plain/: the default policy)
# CST_MPM=prefork runs the same cases under the prefork MPM.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
here="$srcdir/tests/integration"
. "$here/lib.sh"

CYRUS_BIN=${CYRUS_BIN:-/usr/lib/cyrus/bin}
cst_require_apache
for b in master imapd httpd ctl_cyrusdb; do
    [ -x "$CYRUS_BIN/$b" ] ||
        cst_skip "no $CYRUS_BIN/$b (apt-get install cyrus-imapd cyrus-caldav)"
done
# the CalDAV module lives in cyrus-caldav; without it httpmodules: caldav
# is silently nothing
dpkg-query -W -f='${Status}' cyrus-caldav 2>/dev/null | grep -q "ok installed" ||
    cst_skip "cyrus-caldav is not installed (apt-get install cyrus-caldav)"
command -v saslpasswd2 >/dev/null 2>&1 ||
    cst_skip "no saslpasswd2 (apt-get install sasl2-bin)"
# Cyrus' programs switch from root to the user "cyrus" (compiled in); as
# any other user they refuse to run
[ "$(id -u)" -eq 0 ] || cst_skip "Cyrus must be started as root (it then runs as cyrus)"
id cyrus >/dev/null 2>&1 || cst_skip "no user cyrus (cyrus-common makes it)"

cst_init plugin-cyrus
CST_CYRUS_PID=""
# shellcheck disable=SC2317 # called from the EXIT trap
cy_stop() {
    # master stops its children on TERM; then its process group is killed
    cst_kill "$CST_CYRUS_PID" 15 1
    CST_CYRUS_PID=""
}
trap 'cy_stop; cst_stop_all' EXIT

# ---- Cyrus --------------------------------------------------------------
cy=$CST_TMP/cyrus
mkdir -p "$cy/config/socket" "$cy/config/log" "$cy/spool" "$cy/sieve" \
    "$cy/run"
CYRUS_HTTP_PORT=$(cst_free_port)
CYRUS_IMAP_PORT=$(cst_free_port)
CYRUS_URL="http://127.0.0.1:$CYRUS_HTTP_PORT"
cat >"$cy/imapd.conf" <<EOF
configdirectory: $cy/config
defaultpartition: default
partition-default: $cy/spool
sievedir: $cy/sieve
lmtpsocket: $cy/config/socket/lmtp
idlesocket: $cy/config/socket/idle
notifysocket: $cy/config/socket/notify
servername: 127.0.0.1
admins: admin
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: $cy/sasldb2
sasl_mech_list: PLAIN LOGIN
allowplaintext: yes
autocreate_quota: 0
httpmodules: caldav
httpallowcompress: no
caldav_allowscheduling: off
EOF
cat >"$cy/cyrus.conf" <<EOF
START {
    recover cmd="$CYRUS_BIN/ctl_cyrusdb -C $cy/imapd.conf -r"
}
SERVICES {
    imap cmd="$CYRUS_BIN/imapd -C $cy/imapd.conf" listen="127.0.0.1:$CYRUS_IMAP_PORT" prefork=0 maxchild=10
    http cmd="$CYRUS_BIN/httpd -C $cy/imapd.conf" listen="127.0.0.1:$CYRUS_HTTP_PORT" prefork=1 maxchild=40
}
EVENTS {
}
EOF
# the SASL realm is the servername
for u in alice bob carol admin; do
    printf '%s-pw' "$u" |
        saslpasswd2 -p -c -f "$cy/sasldb2" -u 127.0.0.1 "$u" ||
        { echo "Bail out! saslpasswd2 failed for $u"; exit 1; }
done
chmod 755 "$CST_TMP"
chown -R cyrus:mail "$cy"
# in a process group of its own, so that cy_stop can end it whole
"$PYTHON3" -c 'import os, sys; os.setpgrp(); os.execv(sys.argv[1], sys.argv[1:])' \
    "$CYRUS_BIN/master" -C "$cy/imapd.conf" -M "$cy/cyrus.conf" \
    -p "$cy/run/master.pid" -L "$cy/master.log" >"$CST_TMP/cyrus.out" 2>&1 &
CST_CYRUS_PID=$!
for p in "$CYRUS_IMAP_PORT" "$CYRUS_HTTP_PORT"; do
    if ! cst_wait_port "$p" "$CST_CYRUS_PID" 30; then
        echo "Bail out! cyrus master did not listen on $p"
        sed 's/^/# /' "$CST_TMP/cyrus.out" "$cy/master.log" 2>/dev/null
        exit 1
    fi
done
# one IMAP login each: creates the INBOX, after which CalDAV provisions
# the calendar home (Default, Inbox, Outbox)
if ! "$PYTHON3" - "$CYRUS_IMAP_PORT" "$CYRUS_URL" <<'EOF'
import base64, imaplib, sys, urllib.request
for user in ("alice", "bob", "carol"):
    m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]), timeout=20)
    m.login(user, user + "-pw")
    m.logout()
    rq = urllib.request.Request(
        "%s/dav/calendars/user/%s/" % (sys.argv[2], user), method="PROPFIND",
        headers={"Depth": "1", "Authorization": "Basic " + base64.b64encode(
            ("%s:%s-pw" % (user, user)).encode()).decode()})
    with urllib.request.urlopen(rq, timeout=20) as r:
        body = r.read().decode()
        if "/dav/calendars/user/%s/Default/" % user not in body:
            sys.exit("no Default calendar for %s: %s" % (user, body[:500]))
EOF
then
    echo "Bail out! cyrus: IMAP login or CalDAV provisioning failed"
    sed 's/^/# /' "$cy/master.log" 2>/dev/null
    exit 1
fi

# ---- Apache + module --------------------------------------------------
home=/dav/calendars/user
printf '[output]\nagenda-property = x-property\n' >"$CST_TMP/cyrus.conf"
printf '[rules]\ngoal-missing = enforce\n[output]\nagenda-property = x-property\n' \
    >"$CST_TMP/enforce.conf"
: >"$CST_TMP/default.conf"
echo_port=$(cst_free_port)
CST_BACKEND_URL=$CYRUS_URL CST_TASKS="$home/{user}/tasks/" cst_start_apache "
<Location />
    CalStewardPolicy $CST_TMP/cyrus.conf
</Location>
<Location $home/alice/small/>
    CalStewardMaxBody 2048
</Location>
<Location $home/alice/enforce/>
    CalStewardPolicy $CST_TMP/enforce.conf
</Location>
<Location $home/alice/load/>
    CalStewardTasks off
</Location>
<Location $home/alice/plain/>
    CalStewardPolicy $CST_TMP/default.conf
</Location>
<Location /echo/>
    CalStewardTasks off
    CalStewardBackend http://127.0.0.1:$echo_port
</Location>
<Location /echo/small/>
    CalStewardMaxBody 2048
</Location>
<Location /echo/plain/>
    CalStewardPolicy $CST_TMP/default.conf
</Location>
ProxyPass /echo/ http://127.0.0.1:$echo_port/echo/ timeout=30
"
echo "# apache $APACHE_URL ($CST_MPM), cyrus $CYRUS_URL (imap $CYRUS_IMAP_PORT), echo $echo_port"

# scenarios.py's suite, and the step "cyrus-agenda" (cyrus_agenda.py)
timeout 240 "$PYTHON3" "$here/cyrus_agenda.py" --apache "$APACHE_URL" \
    --backend "$CYRUS_URL" --server Cyrus --agenda x-property \
    --dav-root /dav/principals/user/alice/ --control-user carol \
    --home "alice=$home/alice/" --home "bob=$home/bob/" \
    --home "carol=$home/carol/" \
    --log "$APACHE_LOG" --tmp "$CST_TMP" \
    --echo-port "$echo_port" ${CST_ONLY:+--only "$CST_ONLY"}
rc=$?
if [ $rc -ne 0 ]; then
    echo "# error log (last 40 lines):"
    tail -n 40 "$APACHE_LOG" | sed 's/^/#   /'
    echo "# cyrus master log (last 20 lines):"
    tail -n 20 "$cy/master.log" 2>/dev/null | sed 's/^/#   /'
    cst_sanitizer_reports
fi
[ $rc -eq 124 ] && echo "Bail out! cyrus_agenda.py timed out"
exit $rc
