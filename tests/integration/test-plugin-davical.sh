#!/bin/sh
# test-plugin-davical.sh -- mod_calsteward in the same Apache httpd as
# Debian's DAViCal (1.1.12, mod_php, prefork MPM), with a PostgreSQL
# cluster of the test's own, all on loopback (TAP): the scenarios of
# test-plugin-radicale.sh (scenarios.py), then DAViCal's scheduling --
# the attendee receives the processed invite.
#
# Nothing outside the temp dir is written:
#   * PostgreSQL: initdb into $CST_TMP/pg, run as `postgres` (it refuses
#     root), unix socket only, in $CST_TMP/pg/sock (no TCP listener; the
#     "port" only names the socket); DAViCal's own create-database.sh
#     builds the database; alice and bob are made in SQL as DAViCal's
#     admin UI makes them (usr, principal, home collections).
#   * DAViCal reads its configuration from /etc/davical/HOST-conf.php or
#     /etc/davical/config.php, a path fixed in always.php; the test serves
#     a copy of htdocs whose always.php reads $CST_TMP/davical/etc/ instead
#     (one path replaced, checked), every other file is DAViCal's own.
#   * Apache is the test's own (lib.sh), not /etc/apache2: mod_php is
#     loaded there with the prefork MPM, whatever Debian enabled.
#
# Locations (in the one Apache, port $APACHE_PORT):
#   /caldav.php/                   DAViCal, CalSteward On, tasks to
#                                  /caldav.php/{user}/tasks/, no
#                                  CalStewardBackend (this virtual host)
#   /caldav.php/alice/small/       CalStewardMaxBody 2048
#   /caldav.php/alice/enforce/     goal-missing = enforce
#   /caldav.php/alice/load/        no task writing
#   /echo/                         scenarios.py's recording backend
# and a second virtual host (port $direct_port) with CalSteward Off: the
# suite's "straight to the server" reads and control PUTs.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
here="$srcdir/tests/integration"
. "$here/lib.sh"

# mod_php (Debian's is not thread-safe) runs under prefork only
# shellcheck disable=SC2034 # read by cst_start_apache
CST_MPM=prefork
DAVICAL=${DAVICAL:-/usr/share/davical}
PHP_MODULE=""
for f in "$APACHE_MODULES"/libphp*.so; do
    [ -f "$f" ] && PHP_MODULE=$f
done
PGBIN=""
for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && PGBIN=$d      # the glob sorts: the newest last
done

cst_require_apache
if [ ! -f "$DAVICAL/htdocs/caldav.php" ] ||
    [ ! -x "$DAVICAL/dba/create-database.sh" ]; then
    cst_skip "davical is not installed (apt-get install davical)"
fi
[ -n "$PHP_MODULE" ] ||
    cst_skip "mod_php is not installed (apt-get install libapache2-mod-php)"
[ -n "$PGBIN" ] ||
    cst_skip "postgresql is not installed (apt-get install postgresql)"
# mod_php dlopen()s its extensions with RTLD_DEEPBIND, which the ASan
# runtime refuses (google/sanitizers#611): httpd would die at start.  The
# module's sanitizer coverage comes from the Radicale, Xandikos and Cyrus
# tests; DAViCal runs in the plain build.
if nm -D "${MOD_CALSTEWARD:-}" 2>/dev/null | grep -q __asan; then
    cst_skip "an ASan build: mod_php loads extensions with RTLD_DEEPBIND, which ASan refuses"
fi
if [ "$(id -u)" -ne 0 ] || ! id postgres >/dev/null 2>&1; then
    cst_skip "needs root and the postgres user (PostgreSQL runs as postgres)"
fi
command -v runuser >/dev/null 2>&1 || cst_skip "no runuser"
for m in mod_mpm_prefork mod_mime mod_dir; do
    [ -f "$APACHE_MODULES/$m.so" ] || cst_skip "no $APACHE_MODULES/$m.so"
done

cst_init plugin-davical
PG_DATA="$CST_TMP/pg/data"
# shellcheck disable=SC2317 # called by the EXIT trap
dc_stop() {
    if [ -f "$PG_DATA/postmaster.pid" ]; then
        runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PG_DATA" stop -m fast \
            -w -t 20 >/dev/null 2>&1
        # still there (pg_ctl timed out): the postmaster by its own pid
        pgpid=$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null)
        [ -n "$pgpid" ] && kill -KILL "$pgpid" 2>/dev/null
    fi
    cst_stop_all
}
trap dc_stop EXIT
chmod 755 "$CST_TMP"

# ---- PostgreSQL ------------------------------------------------------------
PGPORT=$(cst_free_port)
PGHOST="$CST_TMP/pg/sock"
export PGPORT PGHOST
mkdir -p "$PGHOST"
chown -R postgres "$CST_TMP/pg"
if ! runuser -u postgres -- "$PGBIN/initdb" -D "$PG_DATA" -A trust \
    -U postgres -E UTF8 --locale=C.UTF-8 --no-sync \
    >"$CST_TMP/pg/initdb.log" 2>&1; then
    echo "Bail out! initdb failed"
    sed 's/^/# /' "$CST_TMP/pg/initdb.log"
    exit 1
fi
if ! runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PG_DATA" -w -t 30 \
    -l "$CST_TMP/pg/postgres.log" \
    -o "-p $PGPORT -k $PGHOST -c listen_addresses= -c fsync=off -c full_page_writes=off" \
    start >/dev/null 2>&1; then
    echo "Bail out! postgres did not start"
    sed 's/^/# /' "$CST_TMP/pg/postgres.log"
    exit 1
fi

# DAViCal's own script: users davical_dba and davical_app, the schema, the
# base data (admin's password given, so that it prints no random one)
if ! runuser -u postgres -- env PGHOST="$PGHOST" PGPORT="$PGPORT" \
    TMPDIR="$CST_TMP/pg" DBAOPTS="--dbhost $PGHOST --dbport $PGPORT" \
    "$DAVICAL/dba/create-database.sh" davical admin-pw \
    >"$CST_TMP/pg/create-database.log" 2>&1; then
    echo "Bail out! davical's create-database.sh failed"
    sed 's/^/# /' "$CST_TMP/pg/create-database.log"
    exit 1
fi
# alice, bob and carol as DAViCal's principal editor makes them: usr
# (password '**' = plain), principal, the home collections (calendar, .in,
# .out, addresses -- CreateHomeCollections), no relationships.  Only carol
# has DAViCal's default privileges (read-free-busy, schedule-deliver), so
# alice's invites are delivered to her alone: the suite invites bob to
# every meeting and stores a second (control) copy of many, and DAViCal
# answers a second delivery of a UID to the same inbox with 500 (duplicate
# key) -- nor can an inbox message be deleted (DAViCal 1.1.12 under PHP 8
# fails any DELETE of a scheduling object: "Call to undefined method",
# "Call to a member function Value() on null").  Bob's invites end in
# SCHEDULE-STATUS=3.8 ("no authority"), on either path.
{
    for u in alice bob carol; do
        privs="0::BIT(24)"
        [ $u = carol ] &&
            privs="privilege_to_bits(ARRAY['read-free-busy', 'schedule-deliver'])"
        cat <<EOF
INSERT INTO usr (active, email_ok, updated, username, password, fullname,
                 email)
  VALUES (TRUE, current_date, current_date, '$u', '**$u-pw',
          initcap('$u'), '$u@example.com');
INSERT INTO principal (type_id, user_no, displayname, default_privileges)
  SELECT 1, user_no, fullname, $privs FROM usr WHERE username = '$u';
INSERT INTO collection (user_no, parent_container, dav_name, dav_etag,
    dav_displayname, is_calendar, is_addressbook, default_privileges,
    created, modified, resourcetypes)
  SELECT user_no, '/$u/', '/$u/' || c.name || '/', '-1',
         fullname || c.suffix, c.cal, NOT c.cal, NULL, current_timestamp,
         current_timestamp,
         CASE WHEN c.cal
              THEN '<DAV::collection/><urn:ietf:params:xml:ns:caldav:calendar/>'
              ELSE '<DAV::collection/><urn:ietf:params:xml:ns:carddav:addressbook/>'
         END
  FROM usr, (VALUES ('calendar', ' calendar', TRUE),
                    ('.out', ' Outbox', TRUE), ('.in', ' Inbox', TRUE),
                    ('addresses', ' addressbook', FALSE))
            AS c(name, suffix, cal)
  WHERE username = '$u';
EOF
    done
} >"$CST_TMP/pg/users.sql"
if ! runuser -u postgres -- psql -qX -v ON_ERROR_STOP=1 -d davical \
    -f "$CST_TMP/pg/users.sql" >"$CST_TMP/pg/users.log" 2>&1; then
    echo "Bail out! creating alice and bob failed"
    sed 's/^/# /' "$CST_TMP/pg/users.log"
    exit 1
fi

# ---- DAViCal's htdocs, reading its configuration from the temp dir ----------
D="$CST_TMP/davical"
mkdir -p "$D/htdocs" "$D/etc"
for f in "$DAVICAL"/htdocs/*; do
    case ${f##*/} in
    always.php | caldav.php) ;;
    *) ln -s "$f" "$D/htdocs/" ;;
    esac
done
# always.php adds ../inc to the include path: relative to the script's
# directory, so DAViCal's inc and locale sit beside our htdocs
ln -s "$DAVICAL/inc" "$D/inc"
ln -s "$DAVICAL/locale" "$D/locale"
# caldav.php is copied, not linked: PHP runs it in the directory it is
# found in, and its require_once('./always.php') must find our copy
cp "$DAVICAL/htdocs/caldav.php" "$D/htdocs/caldav.php"
sed "s|'/etc/davical/|'$D/etc/|g" "$DAVICAL/htdocs/always.php" \
    >"$D/htdocs/always.php"
n=$(grep -c "'$D/etc/" "$D/htdocs/always.php")
if [ "$n" -ne 4 ] || grep -q "'/etc/davical" "$D/htdocs/always.php"; then
    cst_skip "this DAViCal's always.php does not read /etc/davical/ as" \
        "1.1.12 does ($n paths replaced): cannot point it at a test config"
fi
cat >"$D/etc/config.php" <<EOF
<?php
\$c->pg_connect[] = "dbname=davical user=davical_app host=$PGHOST port=$PGPORT";
\$c->system_name = "DAViCal CalDAV Server";
\$c->admin_email = "calendar-admin@example.com";
EOF
chmod -R a+rX "$D"

cat >"$CST_TMP/enforce.conf" <<'EOF'
[rules]
goal-missing = enforce
EOF
echo_port=$(cst_free_port)
direct_port=$(cst_free_port)
home=/caldav.php

# Every PUT through the module holds a second prefork child while the
# module's own request runs -- its read of the stored copy (fixups), its
# task writes after the response (log_transaction), both to this Apache
# -- and keep-alive connections hold one child each.  64 is plenty for
# the suite's 8 concurrent clients and its other connections.
CST_WORKERS=64 CST_BACKEND_URL=self CST_TASKS="$home/{user}/tasks/" \
    cst_start_apache "
LoadModule mime_module $APACHE_MODULES/mod_mime.so
LoadModule dir_module $APACHE_MODULES/mod_dir.so
LoadModule php_module $PHP_MODULE
TypesConfig /etc/mime.types
DocumentRoot $D/htdocs
<Directory $D/htdocs>
    Options FollowSymLinks
    AllowOverride None
    Require all granted
    DirectoryIndex index.php
    AcceptPathInfo On
    <FilesMatch \\.php\$>
        SetHandler application/x-httpd-php
    </FilesMatch>
</Directory>
php_flag display_errors off
php_value error_log $CST_TMP/apache/php.log
<Location $home/alice/small/>
    CalStewardMaxBody 2048
</Location>
<Location $home/alice/enforce/>
    CalStewardPolicy $CST_TMP/enforce.conf
</Location>
<Location $home/alice/load/>
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
Listen 127.0.0.1:$direct_port
<VirtualHost 127.0.0.1:$direct_port>
    <Location />
        CalSteward Off
    </Location>
</VirtualHost>
"
DIRECT_URL="http://127.0.0.1:$direct_port"
echo "# apache $APACHE_URL (prefork, DAViCal under mod_php), direct $DIRECT_URL, postgres $PGHOST:$PGPORT, echo $echo_port"

timeout 240 "$PYTHON3" "$here/scenarios.py" --apache "$APACHE_URL" \
    --backend "$DIRECT_URL" --server DAViCal --dav-root "$home/" \
    --home "alice=$home/alice/" --home "bob=$home/bob/" \
    --schedule "$home/carol/.in/" --schedule "$home/carol/calendar/" \
    --log "$APACHE_LOG" --tmp "$CST_TMP" \
    --echo-port "$echo_port" ${CST_ONLY:+--only "$CST_ONLY"}
rc=$?
if [ $rc -ne 0 ]; then
    echo "# error log (last 40 lines):"
    tail -n 40 "$APACHE_LOG" | sed 's/^/#   /'
    if [ -s "$CST_TMP/apache/php.log" ]; then
        echo "# php log (last 20 lines):"
        tail -n 20 "$CST_TMP/apache/php.log" | sed 's/^/#   /'
    fi
    cst_sanitizer_reports
fi
[ $rc -eq 124 ] && echo "Bail out! scenarios.py timed out"
exit $rc
