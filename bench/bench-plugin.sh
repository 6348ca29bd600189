#!/bin/sh
# bench-plugin.sh -- what does mod_calsteward add to a request's latency?
# (doc/performance.md, "mod_calsteward: request latency")
#
#   bench/bench-plugin.sh BUILD_DIR
#
# Starts, on 127.0.0.1 only, one Radicale and five Apache httpd instances
# that differ in one thing each:
#   rad-mod    mod_proxy -> Radicale, with mod_calsteward (CalSteward On,
#              CalStewardTasks off: only the request path)
#   rad-plain  the same configuration without the module (no LoadModule;
#              the module's directives sit in <IfModule>)
#   rad-tasks  as rad-mod with CalStewardTasks /{user}/tasks/ (the task
#              writes run after the response, in log_transaction)
#   fs-mod     mod_dav + mod_dav_fs serving PUT/GET itself (Apache's own
#              Basic auth, so r->user is set), with the module
#   fs-plain   the same without the module
# then bench-plugin.py sends the same requests to each pair, interleaved,
# in rounds, and prints medians, p90, p99 and the ratios module / plain.
# Last, bench/bench-process (built in BUILD_DIR) gives the core's own
# time per typical invite.
#
# Environment: BENCH_N (requests per method per round, default 300),
# BENCH_ROUNDS (default 5), BENCH_TASKS=0 skips the rad-tasks pair,
# PYTHON3, APXS_HTTPD, CST_MPM as in tests/integration/lib.sh,
# CST_KEEP_TMP=1 keeps the temp dir (configs, logs).
# Everything started here is stopped by the EXIT trap.

set -u
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    echo "Usage: $0 BUILD_DIR  (a configured and built tree)" >&2
    exit 2
fi
BUILD_DIR=$(cd "$1" && pwd)
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
MOD_CALSTEWARD=${MOD_CALSTEWARD:-$BUILD_DIR/plugin/.libs/mod_calsteward.so}
BENCH_N=${BENCH_N:-300}
BENCH_ROUNDS=${BENCH_ROUNDS:-5}
BENCH_TASKS=${BENCH_TASKS:-1}

# shellcheck source=../tests/integration/lib.sh
. "$SRCDIR/tests/integration/lib.sh"
# lib.sh's cst_skip prints TAP; a benchmark just says why it cannot run
cst_skip() {
    echo "bench-plugin: cannot run: $*" >&2
    exit 77
}
cst_require
for m in mod_dav mod_dav_fs mod_auth_basic mod_authn_core mod_authn_file \
    mod_authz_user; do
    [ -f "$APACHE_MODULES/$m.so" ] || cst_skip "no $APACHE_MODULES/$m.so"
done

APACHE_PIDS=""
bench_stop() {
    trap '' INT TERM HUP
    for p in $APACHE_PIDS; do
        cst_kill "$p" 15 1
    done
    APACHE_PIDS=""
    cst_stop_all
}
cst_init bench
trap bench_stop EXIT
chmod 755 "$CST_TMP"

if [ "$(id -u)" -eq 0 ]; then
    USER_LINES="User nobody
Group $(id -gn nobody 2>/dev/null || echo nogroup)"
    OWNER=nobody
else
    USER_LINES=""
    OWNER=""
fi

# Apache's own Basic auth for the mod_dav_fs pair: {SHA} (cheap, so the
# password check does not drown the difference; both sides pay it).
"$PYTHON3" -c 'import base64, hashlib
print("alice:{SHA}" + base64.b64encode(hashlib.sha1(b"alice-pw").digest()).decode())' \
    >"$CST_TMP/htpasswd"
chmod 644 "$CST_TMP/htpasswd"

# bench_apache NAME MODULE(0|1) KIND(proxy|davfs) TASKS
# starts one httpd; appends "NAME URL" to $CST_TMP/instances
bench_apache() {
    name=$1 with_module=$2 kind=$3 tasks=$4
    dir="$CST_TMP/$name"
    port=$(cst_free_port)
    mkdir -p "$dir/run" "$dir/dav"
    [ -n "$OWNER" ] && chown "$OWNER" "$dir/dav" "$dir/run"
    load=""
    [ "$with_module" = 1 ] && load="LoadModule calsteward_module $MOD_CALSTEWARD"
    if [ "$kind" = proxy ]; then
        backend_mods="LoadModule proxy_module $APACHE_MODULES/mod_proxy.so
LoadModule proxy_http_module $APACHE_MODULES/mod_proxy_http.so"
        location="<Location />
    Require all granted
    <IfModule calsteward_module>
        CalSteward On
        CalStewardTasks $tasks
        CalStewardBackend $RADICALE_URL
    </IfModule>
</Location>
ProxyPreserveHost On
ProxyPass / $RADICALE_URL/ timeout=30
ProxyPassReverse / $RADICALE_URL/"
    else
        backend_mods="LoadModule dav_module $APACHE_MODULES/mod_dav.so
LoadModule dav_fs_module $APACHE_MODULES/mod_dav_fs.so
LoadModule auth_basic_module $APACHE_MODULES/mod_auth_basic.so
LoadModule authn_core_module $APACHE_MODULES/mod_authn_core.so
LoadModule authn_file_module $APACHE_MODULES/mod_authn_file.so
LoadModule authz_user_module $APACHE_MODULES/mod_authz_user.so"
        location="DocumentRoot \"$dir/dav\"
DavLockDB \"$dir/run/davlock\"
<Directory \"$dir/dav\">
    Dav On
    AuthType Basic
    AuthName bench
    AuthBasicProvider file
    AuthUserFile \"$CST_TMP/htpasswd\"
    Require valid-user
    <IfModule calsteward_module>
        CalSteward On
        CalStewardTasks $tasks
    </IfModule>
</Directory>"
    fi
    case $CST_MPM in
    prefork) mpm_lines="StartServers 4
MinSpareServers 4
MaxSpareServers 8
MaxRequestWorkers 16" ;;
    *) mpm_lines="StartServers 1
MinSpareThreads 8
MaxSpareThreads 32
ServerLimit 2
ThreadsPerChild 16
MaxRequestWorkers 32" ;;
    esac
    cat >"$dir/httpd.conf" <<EOF
ServerRoot "$dir"
DefaultRuntimeDir "$dir/run"
PidFile "$dir/run/httpd.pid"
ErrorLog "$dir/error.log"
LogLevel warn
ServerName 127.0.0.1
Listen 127.0.0.1:$port
$USER_LINES
LoadModule mpm_${CST_MPM}_module $APACHE_MODULES/mod_mpm_$CST_MPM.so
LoadModule authz_core_module $APACHE_MODULES/mod_authz_core.so
$backend_mods
$load
$mpm_lines
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 60
Timeout 30
LogFormat "%m %>s %D" bench
CustomLog "$dir/access.log" bench
$location
EOF
    if ! "$APXS_HTTPD" -f "$dir/httpd.conf" -t >"$dir/configtest.log" 2>&1; then
        echo "bench-plugin: apache2 -t refused $dir/httpd.conf:" >&2
        cat "$dir/configtest.log" >&2
        exit 1
    fi
    "$PYTHON3" -c 'import os, sys; os.setpgrp(); os.execv(sys.argv[1], sys.argv[1:])' \
        "$APXS_HTTPD" -f "$dir/httpd.conf" -DFOREGROUND \
        >"$dir/stdout.log" 2>&1 &
    pid=$!
    APACHE_PIDS="$APACHE_PIDS $pid"
    if ! cst_wait_port "$port" "$pid" 20; then
        echo "bench-plugin: $name did not start on port $port" >&2
        cat "$dir/stdout.log" "$dir/error.log" >&2 2>/dev/null
        exit 1
    fi
    echo "$name http://127.0.0.1:$port" >>"$CST_TMP/instances"
}

cst_start_radicale
: >"$CST_TMP/instances"
bench_apache rad-mod 1 proxy off
bench_apache rad-plain 0 proxy off
[ "$BENCH_TASKS" = 1 ] && bench_apache rad-tasks 1 proxy /{user}/tasks/
bench_apache fs-mod 1 davfs off
bench_apache fs-plain 0 davfs off

echo "# machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $("$APXS_HTTPD" -v | head -n 1), MPM $CST_MPM; Radicale $("$PYTHON3" -c 'import radicale; print(radicale.VERSION)')"
"$PYTHON3" "$SRCDIR/bench/bench-plugin.py" \
    --instances "$CST_TMP/instances" \
    --invite "$SRCDIR/examples/budget-review.ics" \
    --n "$BENCH_N" --rounds "$BENCH_ROUNDS"
rc=$?

# Anything the module or mod_dav logged at warn or above
for f in "$CST_TMP"/*/error.log; do
    if [ -s "$f" ] && grep -qv 'AH00489\|AH00094\|AH00491\|AH00492\|resuming normal' "$f"; then
        echo "# $(basename "$(dirname "$f")")/error.log:"
        grep -v 'AH00489\|AH00094\|AH00491\|AH00492\|resuming normal' "$f" |
            head -n 5 | sed 's/^/#   /'
    fi
done

# The core's own time per typical invite (CPU time, bench-process)
echo
echo "# the module's own work: bench/bench-process (the core, no httpd)"
if (cd "$BUILD_DIR" && make -s bench/bench-process >/dev/null 2>&1); then
    "$BUILD_DIR/bench/bench-process" "$SRCDIR/examples/budget-review.ics"
else
    echo "# (bench/bench-process did not build in $BUILD_DIR)"
fi
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $rc
