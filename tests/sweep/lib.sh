# lib.sh -- real CalDAV servers (Radicale, Xandikos) and a fault-injecting
# proxy on free loopback ports, for the tests of `calsteward sweep`.
# Sourced (POSIX sh).  Reuses cst_free_port, cst_wait_port and cst_kill of
# tests/integration/lib.sh (sourced here; nothing else of it is used).
#
#   sw_require                  "1..0 # SKIP ..." + exit 0 when radicale or
#                               python3-caldav is missing
#   sw_have_xandikos            0 when /usr/bin/xandikos can run
#   sw_init NAME                $SW_TMP (temp dir), EXIT trap sw_stop_all
#   sw_start_radicale           users alice:alice-pw, bob:bob-pw (htpasswd,
#                               plain); storage $SW_RADICALE_STORAGE;
#                               sets SW_RADICALE_PORT, SW_RADICALE_URL
#                               (http://127.0.0.1:PORT/, with the slash),
#                               SW_RADICALE_PID.  Collections are made by
#                               the caller (davtool.py mkcal), Radicale
#                               makes none by itself.
#                               SW_RADICALE_RIGHTS: Radicale's [rights] type
#                               (default owner_only; authenticated lets
#                               every user write every collection)
#   sw_start_xandikos           /usr/bin/xandikos --defaults: collections
#                               /user/calendars/calendar/ (made by
#                               --defaults) and /user/calendars/tasks/
#                               (made here: 0.2.8's --defaults does not);
#                               no authentication (any credentials pass);
#                               sets SW_XANDIKOS_PORT, SW_XANDIKOS_URL
#                               (http://127.0.0.1:PORT/), SW_XANDIKOS_PID,
#                               SW_XANDIKOS_STORAGE
#   sw_stop_server radicale|xandikos
#   sw_restart_server radicale|xandikos [DELAY]
#                               stop, wait DELAY seconds [0], start again
#                               on the same port with the same storage
#                               (the URL does not change)
#   sw_write_config FILE ACCOUNT URL USER PASSWORD [LINE...]
#                               writes the sweep's INI (spec section 7):
#                               [account ACCOUNT] url, user, password-file
#                               (FILE.ACCOUNT.secret, mode 0600), then the
#                               LINEs as given (calendars = ..., tasks =
#                               ..., policy = ..., or whole sections such
#                               as "[sweep]" "time-zone = UTC"); a [state]
#                               section with dir = $SW_TMP/state is added
#                               unless a LINE is "[state]".  Call again
#                               with another FILE for another config;
#                               sw_add_account FILE ACCOUNT URL USER
#                               PASSWORD [LINE...] appends an account.
#   sw_start_faultproxy UPSTREAM_URL [MODE [KEY=VALUE...]]
#                               tests/sweep/faultproxy.py in front of
#                               UPSTREAM_URL; sets SW_PROXY_PORT,
#                               SW_PROXY_URL (http://127.0.0.1:PORT/, same
#                               paths as upstream), SW_PROXY_LOG (one line
#                               a request), SW_PROXY_CONTROL (the control
#                               file), SW_PROXY_PID.  With SW_PROXY_PORT
#                               already set (e.g. after die-after), the
#                               same port is used again; a proxy still
#                               running is stopped first.
#   sw_fault MODE [KEY=VALUE...]
#                               switches the running proxy's fault (POST
#                               /__fault; the counters restart)
#   sw_proxy_count [ERE]        lines of $SW_PROXY_LOG matching ERE
#                               (all lines without one)
#   sw_stop_faultproxy
#   sw_state_reseal FILE        rewrites the end line of a state file the
#                               test edited (cli/state.h: "end", the lines
#                               before it, their FNV-1a 64 hash), as an
#                               administrator's deliberate edit would
#   sw_stop_all                 stops everything (bounded), removes $SW_TMP
#
#   $SW_PY                      Debian's python3 (PYTHON3, default
#                               /usr/bin/python3) -- never a pyenv one
#   $SW_DAVTOOL                 "$SW_PY $SW_DIR/davtool.py": run as
#                               $SW_DAVTOOL dump "$SW_RADICALE_URL" alice
#                               alice-pw /alice/calendar/ (unquoted)
#   $SW_DIR                     this folder
#
#   ok NAME / nok NAME          one TAP line, numbered from $n; nok counts
#                               $failed
#   check NAME COMMAND...       ok when COMMAND succeeds, else nok
#
# Environment: PYTHON3, XANDIKOS (default /usr/bin/xandikos), SW_KEEP_TMP=1
# (or CST_KEEP_TMP=1) keeps the temp dir for a post-mortem.

SW_DIR=${SW_DIR:-${top_srcdir:+$top_srcdir/tests/sweep}}
if [ -z "$SW_DIR" ] || [ ! -f "$SW_DIR/lib.sh" ]; then
    # sourced from a test in this folder, run by hand
    SW_DIR=$(cd "$(dirname "$0")" && pwd)
fi
# shellcheck source=../integration/lib.sh
. "$SW_DIR/../integration/lib.sh"
SW_PY=${PYTHON3:-/usr/bin/python3}
XANDIKOS=${XANDIKOS:-/usr/bin/xandikos}
SW_DAVTOOL="$SW_PY $SW_DIR/davtool.py"
SW_TMP=""
SW_RADICALE_PID=""
SW_RADICALE_PORT=""
SW_XANDIKOS_PID=""
SW_XANDIKOS_PORT=""
SW_PROXY_PID=""
SW_PROXY_PORT=${SW_PROXY_PORT:-}

# --- TAP ------------------------------------------------------------------

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() {
    d=$1
    shift
    if "$@"; then ok "$d"; else nok "$d"; fi
}

sw_require() {
    [ -x "$SW_PY" ] || cst_skip "no $SW_PY"
    "$SW_PY" -c 'import radicale' 2>/dev/null ||
        cst_skip "radicale is not installed (apt-get install radicale)"
    "$SW_PY" -c 'import caldav, requests' 2>/dev/null ||
        cst_skip "python3-caldav is not installed"
}

sw_have_xandikos() {
    [ -x "$XANDIKOS" ] && "$XANDIKOS" --version >/dev/null 2>&1
}

sw_init() {
    SW_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cst-sweep-$1.XXXXXX") || exit 1
    mkdir -p "$SW_TMP/state"
    trap sw_stop_all EXIT
    trap 'exit 1' INT TERM HUP
}

# sw_wait_http URL PID SECONDS: 0 once URL answers HTTP at all (any status).
sw_wait_http() {
    "$SW_PY" - "$1" "$2" "$3" <<'EOF'
import http.client, os, sys, time, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
pid, end = int(sys.argv[2]), time.monotonic() + float(sys.argv[3])
while time.monotonic() < end:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(1)
    try:
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=2)
        c.request("OPTIONS", u.path or "/")
        c.getresponse().read()
        sys.exit(0)
    except (OSError, http.client.HTTPException):
        time.sleep(0.1)
sys.exit(1)
EOF
}

# --- Radicale -------------------------------------------------------------

sw_start_radicale() {
    SW_RADICALE_STORAGE="$SW_TMP/radicale/storage"
    if [ -z "$SW_RADICALE_PORT" ]; then
        mkdir -p "$SW_RADICALE_STORAGE"
        printf 'alice:alice-pw\nbob:bob-pw\n' >"$SW_TMP/radicale/users"
        SW_RADICALE_PORT=$(cst_free_port)
        cat >"$SW_TMP/radicale/radicale.conf" <<EOF
[server]
hosts = 127.0.0.1:$SW_RADICALE_PORT
max_connections = 64
timeout = 60
[auth]
type = htpasswd
htpasswd_filename = $SW_TMP/radicale/users
htpasswd_encryption = plain
delay = 0
[rights]
type = ${SW_RADICALE_RIGHTS:-owner_only}
[storage]
filesystem_folder = $SW_RADICALE_STORAGE
[web]
type = none
[logging]
level = warning
EOF
    fi
    "$SW_PY" -m radicale --config "$SW_TMP/radicale/radicale.conf" \
        >>"$SW_TMP/radicale/radicale.log" 2>&1 &
    SW_RADICALE_PID=$!
    SW_RADICALE_URL="http://127.0.0.1:$SW_RADICALE_PORT/"
    if ! sw_wait_http "$SW_RADICALE_URL" "$SW_RADICALE_PID" 20; then
        echo "Bail out! radicale did not start on port $SW_RADICALE_PORT"
        sed 's/^/# /' "$SW_TMP/radicale/radicale.log"
        exit 1
    fi
}

# --- Xandikos -------------------------------------------------------------

sw_start_xandikos() {
    SW_XANDIKOS_STORAGE="$SW_TMP/xandikos/storage"
    fresh=0
    if [ -z "$SW_XANDIKOS_PORT" ]; then
        mkdir -p "$SW_TMP/xandikos"
        SW_XANDIKOS_PORT=$(cst_free_port)
        fresh=1
    fi
    "$XANDIKOS" -d "$SW_XANDIKOS_STORAGE" -l 127.0.0.1 \
        -p "$SW_XANDIKOS_PORT" --defaults \
        >>"$SW_TMP/xandikos/xandikos.log" 2>&1 &
    SW_XANDIKOS_PID=$!
    SW_XANDIKOS_URL="http://127.0.0.1:$SW_XANDIKOS_PORT/"
    if ! sw_wait_http "$SW_XANDIKOS_URL" "$SW_XANDIKOS_PID" 30; then
        echo "Bail out! xandikos did not start on port $SW_XANDIKOS_PORT"
        sed 's/^/# /' "$SW_TMP/xandikos/xandikos.log"
        exit 1
    fi
    if [ $fresh = 1 ] && ! $SW_DAVTOOL mkcal "$SW_XANDIKOS_URL" user x \
        /user/calendars/tasks/ --components VTODO --name Tasks \
        >"$SW_TMP/xandikos/mkcal.out" 2>&1; then
        echo "Bail out! xandikos: MKCALENDAR /user/calendars/tasks/ failed"
        sed 's/^/# /' "$SW_TMP/xandikos/mkcal.out"
        exit 1
    fi
}

# --- both -----------------------------------------------------------------

sw_stop_server() {
    case $1 in
    radicale)
        cst_kill "$SW_RADICALE_PID" 10
        SW_RADICALE_PID="" ;;
    xandikos)
        cst_kill "$SW_XANDIKOS_PID" 10
        SW_XANDIKOS_PID="" ;;
    *)
        echo "Bail out! sw_stop_server: radicale or xandikos, not $1"
        exit 1 ;;
    esac
}

sw_restart_server() {
    sw_stop_server "$1"
    [ "${2:-0}" = 0 ] || sleep "$2"
    case $1 in
    radicale) sw_start_radicale ;;
    xandikos) sw_start_xandikos ;;
    esac
}

# --- the sweep's configuration --------------------------------------------

# sw_account_lines FILE ACCOUNT URL USER PASSWORD [LINE...]
sw_account_lines() {
    file=$1 acct=$2 url=$3 user=$4 pw=$5
    shift 5
    secret="$file.$acct.secret"
    (umask 077 && printf '%s\n' "$pw" >"$secret")
    chmod 600 "$secret"
    printf '[account %s]\nurl = %s\nuser = %s\npassword-file = %s\n' \
        "$acct" "$url" "$user" "$secret"
    for line in "$@"; do
        printf '%s\n' "$line"
    done
}

sw_write_config() {
    file=$1
    state=1
    for line in "$@"; do
        [ "$line" = "[state]" ] && state=0
    done
    sw_account_lines "$@" >"$file"
    if [ $state = 1 ]; then
        printf '[state]\ndir = %s\n' "$SW_TMP/state" >>"$file"
    fi
}

sw_add_account() {
    file=$1
    sw_account_lines "$@" >"$file.add"
    # accounts go before [state] (the order does not matter in INI; this
    # keeps the file readable)
    cat "$file" >>"$file.add"
    mv "$file.add" "$file"
}

# --- the fault proxy ------------------------------------------------------

sw_start_faultproxy() {
    upstream=$1
    shift
    # one proxy at a time: a previous one (still running unless die-after
    # stopped it) would hold the port or be left behind
    sw_stop_faultproxy
    [ -n "$SW_PROXY_PORT" ] || SW_PROXY_PORT=$(cst_free_port)
    SW_PROXY_LOG="$SW_TMP/faultproxy.log"
    SW_PROXY_CONTROL="$SW_TMP/faultproxy.control"
    : >>"$SW_PROXY_LOG"
    "$SW_PY" "$SW_DIR/faultproxy.py" --port "$SW_PROXY_PORT" \
        --upstream "$upstream" --log "$SW_PROXY_LOG" \
        --control "$SW_PROXY_CONTROL" "$@" \
        >>"$SW_TMP/faultproxy.out" 2>&1 &
    SW_PROXY_PID=$!
    SW_PROXY_URL="http://127.0.0.1:$SW_PROXY_PORT/"
    if ! cst_wait_port "$SW_PROXY_PORT" "$SW_PROXY_PID" 10; then
        echo "Bail out! faultproxy did not start on port $SW_PROXY_PORT"
        sed 's/^/# /' "$SW_TMP/faultproxy.out"
        exit 1
    fi
}

sw_fault() {
    "$SW_PY" - "$SW_PROXY_PORT" "$*" <<'EOF'
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
c.request("POST", "/__fault", sys.argv[2].encode())
r = c.getresponse()
body = r.read().decode()
if r.status != 200:
    sys.exit("sw_fault: %d %s" % (r.status, body))
EOF
}

sw_proxy_count() {
    if [ $# -eq 0 ]; then
        wc -l <"$SW_PROXY_LOG" | tr -d ' '
    else
        grep -Ec -- "$1" "$SW_PROXY_LOG"
    fi
}

sw_stop_faultproxy() {
    cst_kill "$SW_PROXY_PID" 5
    SW_PROXY_PID=""
}

sw_state_reseal() {
    python3 - "$1" <<'PY'
import sys
p = sys.argv[1]
b = open(p, "rb").read().split(b"\n")
body = b"".join(l + b"\n" for l in b[:-1] if not l.startswith(b"end\t"))
h = 14695981039346656037
for c in body:
    h = ((h ^ c) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
open(p, "wb").write(body + b"end\t%d\t%016x\n" % (body.count(b"\n"), h))
PY
}

sw_stop_all() {
    trap '' INT TERM HUP
    sw_stop_faultproxy
    cst_kill "$SW_XANDIKOS_PID" 10
    SW_XANDIKOS_PID=""
    cst_kill "$SW_RADICALE_PID" 10
    SW_RADICALE_PID=""
    if [ -n "$SW_TMP" ] && [ "${SW_KEEP_TMP:-${CST_KEEP_TMP:-0}}" != 1 ]; then
        rm -rf "$SW_TMP"
    elif [ -n "$SW_TMP" ]; then
        echo "# kept $SW_TMP" >&2
    fi
}
