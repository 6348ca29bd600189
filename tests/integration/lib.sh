# lib.sh -- start and stop a real Radicale and a real Apache httpd with
# mod_calsteward on free loopback ports, for the integration tests.
# Sourced (POSIX sh); the caller then uses:
#
#   cst_require                 prints "1..0 # SKIP ..." and exits 0 when
#                               apache2, radicale or the module is missing
#   cst_require_apache          the same without radicale (another backend)
#   cst_init NAME               temp dir ($CST_TMP), EXIT trap (cst_stop_all)
#   cst_start_radicale          $RADICALE_PORT, $RADICALE_URL; users
#                               alice:alice-pw (alice@example.com), bob:bob-pw
#   cst_start_xandikos          $XANDIKOS_PORT, $XANDIKOS_URL: /usr/bin/xandikos
#                               (or $XANDIKOS), no authentication, one
#                               principal /user/, home /user/calendars/
#   cst_start_apache [FRAGMENT] $APACHE_PORT, $APACHE_URL, $APACHE_LOG;
#                               FRAGMENT: more config, inserted before the
#                               ProxyPass lines (more specific Locations)
#                               CST_BACKEND_URL (default $RADICALE_URL): where
#                               / is proxied and CalStewardBackend points;
#                               CST_TASKS (default /{user}/tasks/): the
#                               CalStewardTasks of /
#                               CST_BACKEND_URL=self: the CalDAV server
#                               runs inside this Apache (mod_php): no
#                               ProxyPass /, no CalStewardBackend (this
#                               virtual host); CST_NO_BACKEND=1: / is
#                               proxied but CalStewardBackend is unset, so
#                               the module's requests come back to this
#                               virtual host; CST_WORKERS (default 16):
#                               prefork's MaxRequestWorkers
#   cst_stop_all                stops both (bounded), removes $CST_TMP
#
# Environment: MOD_CALSTEWARD (the module), APXS_HTTPD (default
# /usr/sbin/apache2), PYTHON3 (default /usr/bin/python3: Debian's
# python3-caldav and python3-radicale live there, not in a pyenv),
# CST_MPM=event|prefork (default event), CST_KEEP_TMP=1 keeps the temp
# dir for a post-mortem.
#
# Layout: the client talks to Apache, Apache proxies everything under /
# to Radicale (mod_proxy_http), and Radicale authenticates (htpasswd) --
# the "Basic credentials that a proxied backend checks" of spec section 8.
#
# CalStewardBackend points straight at Radicale, not back at this Apache:
# the task writer runs inside an httpd worker after the response
# (log_transaction); going through Apache again would hold a second
# worker per task write (a self-deadlock risk with few prefork children,
# and twice the proxy hops under load), and VTODO PUTs gain nothing from
# passing the module.  The default (unset: this virtual host) is the
# right choice only where the CalDAV server runs inside Apache (mod_php,
# mod_dav).

PYTHON3=${PYTHON3:-/usr/bin/python3}
APXS_HTTPD=${APXS_HTTPD:-/usr/sbin/apache2}
CST_MPM=${CST_MPM:-event}
CST_TMP=""
CST_RADICALE_PID=""
CST_XANDIKOS_PID=""
XANDIKOS=${XANDIKOS:-/usr/bin/xandikos}
CST_APACHE_PID=""
APACHE_MODULES=${APACHE_MODULES:-/usr/lib/apache2/modules}

cst_skip() {
    echo "1..0 # SKIP $*"
    exit 0
}

cst_require() {
    cst_require_apache
    "$PYTHON3" -c 'import radicale' 2>/dev/null ||
        cst_skip "radicale is not installed (apt-get install radicale)"
}

cst_require_apache() {
    [ -x "$PYTHON3" ] || cst_skip "no $PYTHON3"
    [ -x "$APXS_HTTPD" ] || cst_skip "no $APXS_HTTPD (apt-get install apache2)"
    [ -f "${MOD_CALSTEWARD:-}" ] ||
        cst_skip "mod_calsteward not built (${MOD_CALSTEWARD:-MOD_CALSTEWARD unset}; needs apache2-dev)"
    for m in mod_mpm_$CST_MPM mod_proxy mod_proxy_http mod_authz_core; do
        [ -f "$APACHE_MODULES/$m.so" ] || cst_skip "no $APACHE_MODULES/$m.so"
    done
    "$PYTHON3" -c 'import caldav' 2>/dev/null ||
        cst_skip "python3-caldav is not installed"
}

cst_init() {
    CST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cst-int-$1.XXXXXX") || exit 1
    trap cst_stop_all EXIT
    trap 'exit 1' INT TERM HUP
}

cst_free_port() {
    "$PYTHON3" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# cst_wait_port PORT PID SECONDS: 0 once PORT accepts a connection; 1 when
# PID died or SECONDS passed.
cst_wait_port() {
    "$PYTHON3" - "$1" "$2" "$3" <<'EOF'
import os, socket, sys, time
port, pid, limit = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
end = time.monotonic() + limit
while time.monotonic() < end:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(1)
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
EOF
}

# cst_kill PID SECONDS [GROUP]: TERM, wait at most SECONDS, then KILL PID
# and its direct children (by parent id), or with GROUP=1 its process
# group (PID leads it) -- only processes we started.
cst_kill() {
    pid=$1
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt $(($2 * 10)) ]; do
        sleep 0.1
        i=$((i + 1))
    done
    if [ "${3:-0}" = 1 ]; then
        kill -KILL -- "-$pid" 2>/dev/null
    elif kill -0 "$pid" 2>/dev/null; then
        kids=$(pgrep -P "$pid" 2>/dev/null)
        # shellcheck disable=SC2086 # a list of pids
        kill -KILL "$pid" $kids 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
    return 0
}

cst_start_radicale() {
    printf 'alice:alice-pw\nbob:bob-pw\n' >"$CST_TMP/users"
    mkdir -p "$CST_TMP/collections"
    RADICALE_PORT=$(cst_free_port)
    cat >"$CST_TMP/radicale.conf" <<EOF
[server]
hosts = 127.0.0.1:$RADICALE_PORT
max_connections = 64
timeout = 30
[auth]
type = htpasswd
htpasswd_filename = $CST_TMP/users
htpasswd_encryption = plain
delay = 0
[rights]
type = owner_only
[storage]
filesystem_folder = $CST_TMP/collections
[web]
type = none
[logging]
level = warning
EOF
    "$PYTHON3" -m radicale --config "$CST_TMP/radicale.conf" \
        >"$CST_TMP/radicale.log" 2>&1 &
    CST_RADICALE_PID=$!
    RADICALE_URL="http://127.0.0.1:$RADICALE_PORT"
    if ! cst_wait_port "$RADICALE_PORT" "$CST_RADICALE_PID" 20; then
        echo "Bail out! radicale did not start on port $RADICALE_PORT"
        sed 's/^/# /' "$CST_TMP/radicale.log"
        exit 1
    fi
}

# Xandikos 0.2.8 (Debian) has no authentication of its own: every request
# is the one principal /user/ (--defaults makes /user/calendars/calendar/).
# The test puts Apache's Basic auth in front.
# shellcheck disable=SC2034 # XANDIKOS_URL: for the caller
cst_start_xandikos() {
    XANDIKOS_PORT=$(cst_free_port)
    XANDIKOS_URL="http://127.0.0.1:$XANDIKOS_PORT"
    "$XANDIKOS" -d "$CST_TMP/xandikos" -l 127.0.0.1 -p "$XANDIKOS_PORT" \
        --defaults >"$CST_TMP/xandikos.log" 2>&1 &
    CST_XANDIKOS_PID=$!
    if ! cst_wait_port "$XANDIKOS_PORT" "$CST_XANDIKOS_PID" 30; then
        echo "Bail out! xandikos did not start on port $XANDIKOS_PORT"
        sed 's/^/# /' "$CST_TMP/xandikos.log"
        exit 1
    fi
}

# The module was built with AddressSanitizer: httpd itself is not, so the
# runtime must come first.
cst_asan_env() {
    if nm -D "$MOD_CALSTEWARD" 2>/dev/null | grep -q __asan; then
        lib=$(gcc -print-file-name=libasan.so 2>/dev/null)
        case $lib in
        /*) ;;
        *) lib=$(clang -print-file-name=libclang_rt.asan-x86_64.so 2>/dev/null) ;;
        esac
        # the children run as nobody when root starts httpd
        mkdir -p "$CST_TMP/san" && chmod 1777 "$CST_TMP/san"
        echo "LD_PRELOAD=$lib"
        echo "ASAN_OPTIONS=detect_leaks=0:log_path=$CST_TMP/san/asan"
        echo "UBSAN_OPTIONS=print_stacktrace=1:log_path=$CST_TMP/san/ubsan"
    fi
}

# shellcheck disable=SC2034 # APACHE_URL, APACHE_LOG: for the caller
cst_start_apache() {
    fragment=${1:-}
    backend=${CST_BACKEND_URL:-$RADICALE_URL}
    backend_line="CalStewardBackend $backend"
    proxy_lines="ProxyPreserveHost On
ProxyPass / $backend/ timeout=30
ProxyPassReverse / $backend/"
    if [ "$backend" = self ]; then
        backend_line="# CalStewardBackend unset: this virtual host"
        proxy_lines=""
    elif [ -n "${CST_NO_BACKEND:-}" ]; then
        backend_line="# CalStewardBackend unset: this virtual host (proxied)"
    fi
    tasks=${CST_TASKS:-'/{user}/tasks/'}
    APACHE_PORT=$(cst_free_port)
    APACHE_URL="http://127.0.0.1:$APACHE_PORT"
    APACHE_LOG="$CST_TMP/apache/error.log"
    mkdir -p "$CST_TMP/apache/run"
    user_lines=""
    if [ "$(id -u)" -eq 0 ]; then
        # root starts httpd, the children need an unprivileged user
        user_lines="User nobody
Group $(id -gn nobody 2>/dev/null || echo nogroup)"
        chmod 755 "$CST_TMP"
    fi
    case $CST_MPM in
    prefork) mpm_lines="StartServers 4
MinSpareServers 4
MaxSpareServers 8
ServerLimit ${CST_WORKERS:-16}
MaxRequestWorkers ${CST_WORKERS:-16}" ;;
    *) mpm_lines="StartServers 1
MinSpareThreads 8
MaxSpareThreads 32
ServerLimit 2
ThreadsPerChild 16
MaxRequestWorkers 32" ;;
    esac
    cat >"$CST_TMP/apache/httpd.conf" <<EOF
ServerRoot "$CST_TMP/apache"
DefaultRuntimeDir "$CST_TMP/apache/run"
PidFile "$CST_TMP/apache/run/httpd.pid"
ErrorLog "$APACHE_LOG"
LogLevel warn calsteward:info
ServerName 127.0.0.1
Listen 127.0.0.1:$APACHE_PORT
$user_lines
LoadModule mpm_${CST_MPM}_module $APACHE_MODULES/mod_mpm_$CST_MPM.so
LoadModule authz_core_module $APACHE_MODULES/mod_authz_core.so
LoadModule proxy_module $APACHE_MODULES/mod_proxy.so
LoadModule proxy_http_module $APACHE_MODULES/mod_proxy_http.so
# after mod_proxy, as a hand-written config (or a2enmod in another
# order) may have it: the module must not depend on the load order
LoadModule calsteward_module $MOD_CALSTEWARD
$mpm_lines
KeepAlive On
MaxKeepAliveRequests 1000
Timeout 30
LogFormat "%h %u \"%r\" %>s %b" common
CustomLog "$CST_TMP/apache/access.log" common

<Location />
    Require all granted
    CalSteward On
    CalStewardTasks $tasks
    $backend_line
</Location>
$fragment

# Radicale answers with paths only (no absolute URLs), so Host does not
# matter to it; preserving it keeps any Location header pointing here.
$proxy_lines
EOF
    # shellcheck disable=SC2046 # one VAR=value per line, no spaces
    if ! env $(cst_asan_env) "$APXS_HTTPD" -f "$CST_TMP/apache/httpd.conf" \
        -t >"$CST_TMP/apache/configtest.log" 2>&1; then
        echo "Bail out! apache2 -t refused the configuration"
        sed 's/^/# /' "$CST_TMP/apache/configtest.log"
        exit 1
    fi
    # in a process group of its own: httpd (prefork) stops by signalling
    # its whole process group, which must not include this shell
    # shellcheck disable=SC2046
    env $(cst_asan_env) CALSTEWARD_LOCALEDIR="${CALSTEWARD_LOCALEDIR:-}" \
        "$PYTHON3" -c 'import os, sys; os.setpgrp(); os.execv(sys.argv[1], sys.argv[1:])' \
        "$APXS_HTTPD" -f "$CST_TMP/apache/httpd.conf" -DFOREGROUND \
        >"$CST_TMP/apache/stdout.log" 2>&1 &
    CST_APACHE_PID=$!
    if ! cst_wait_port "$APACHE_PORT" "$CST_APACHE_PID" 20; then
        echo "Bail out! apache2 did not start on port $APACHE_PORT"
        sed 's/^/# /' "$CST_TMP/apache/stdout.log" "$APACHE_LOG" 2>/dev/null
        exit 1
    fi
}

# Sanitizer reports of the httpd processes, as TAP comments; 1 when any.
cst_sanitizer_reports() {
    found=0
    for f in "$CST_TMP"/san/asan.* "$CST_TMP"/san/ubsan.*; do
        [ -f "$f" ] || continue
        found=1
        sed 's/^/# /' "$f" | head -n 60
    done
    return $found
}

cst_stop_all() {
    trap '' INT TERM HUP    # finish cleaning up whatever arrives now
    cst_kill "$CST_APACHE_PID" 15 1
    CST_APACHE_PID=""
    cst_kill "$CST_RADICALE_PID" 10
    CST_RADICALE_PID=""
    cst_kill "$CST_XANDIKOS_PID" 10
    CST_XANDIKOS_PID=""
    if [ -n "$CST_TMP" ] && [ "${CST_KEEP_TMP:-0}" != 1 ]; then
        rm -rf "$CST_TMP"
    elif [ -n "$CST_TMP" ]; then
        echo "# kept $CST_TMP" >&2
    fi
}
