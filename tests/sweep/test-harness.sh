#!/bin/sh
# test-harness.sh -- the sweep tests' harness tested on its own (TAP):
# Radicale and Xandikos start, davtool.py's seed / dump / todos / edit /
# complete round trip on each, and faultproxy.py forwards transparently
# and injects each of its faults (status500, slow, malformed, die-after,
# conflict) against a real Radicale.  Nothing here runs calsteward.
set -u
here=$(cd "$(dirname "$0")" && pwd)
SW_DIR=$here
# shellcheck source=lib.sh
. "$here/lib.sh"
srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
EX="$srcdir/examples/budget-review.ics"
sw_require
sw_init harness

n=0
failed=0
ok() {      # ok COND-STATUS NAME [DIAG...]
    st=$1 name=$2
    shift 2
    n=$((n + 1))
    if [ "$st" -eq 0 ]; then
        echo "ok $n - $name"
    else
        echo "not ok $n - $name"
        failed=$((failed + 1))
        for d in "$@"; do
            printf '%s\n' "$d" | sed 's/^/#   /'
        done
    fi
}
skip() {
    n=$((n + 1))
    echo "ok $n - $1 # SKIP $2"
}
# jq-less JSON checks: jsonq FILE PYTHON-EXPR (d = the parsed JSON)
jsonq() {
    "$SW_PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"
}
# http METHOD URL [HEADER...] [< body]: prints "STATUS ETAG BYTES" (or
# "refused ERROR"), the body on stderr; one new connection each time
cat >"$SW_TMP/httpreq.py" <<'EOF'
import http.client, sys, urllib.parse
m, url = sys.argv[1], urllib.parse.urlsplit(sys.argv[2])
h = dict(x.split(": ", 1) for x in sys.argv[3:])
h.setdefault("Authorization", "Basic YWxpY2U6YWxpY2UtcHc=")  # alice
body = sys.stdin.buffer.read() if m in ("PUT", "PROPFIND", "REPORT") else None
try:
    c = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    c.request(m, url.path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    print(r.status, r.getheader("ETag") or "-", len(data))
    sys.stderr.buffer.write(data)
except OSError as e:
    print("refused", type(e).__name__)
EOF
http() {
    "$SW_PY" "$SW_TMP/httpreq.py" "$@"
}
T=$SW_TMP
PF='<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/><D:displayname/></D:prop></D:propfind>'

# round_trip NAME URL USER PW CAL TASKS: seed/dump/todos/edit/complete
round_trip() {
    s=$1 url=$2 u=$3 p=$4 cal=$5 tasks=$6
    $SW_DAVTOOL seed "$url" "$u" "$p" "$cal" "$EX" >"$T/$s.seed" 2>&1
    ok $? "$s: seed examples/budget-review.ics" "$(cat "$T/$s.seed")"
    grep -q ' 201 "' "$T/$s.seed"
    ok $? "$s: seed printed href, 201 and an ETag" "$(cat "$T/$s.seed")"
    $SW_DAVTOOL seed-generated "$url" "$u" "$p" "$cal" --events 6 \
        --tasks 4 --tasks-cal "$tasks" --start 2023-06-01T01:00:00Z \
        --span-days 20 --now 2023-06-12T00:00:00Z \
        --manifest "$T/$s.man" >"$T/$s.gen" 2>&1
    ok $? "$s: seed-generated 6 meetings and 4 tasks" "$(cat "$T/$s.gen")"
    $SW_DAVTOOL dump "$url" "$u" "$p" "$cal" >"$T/$s.dump" 2>&1
    jsonq "$T/$s.dump" 'len(d) == 7 and all(o["etag"] and "BEGIN:VCALENDAR" in o["data"] for o in d) and any("Q3 budget review" in o["data"] for o in d) and sum("Action items" in o["data"] for o in d) >= 3'
    ok $? "$s: dump shows the 7 objects with ETags, minutes in the past ones" \
        "$(head -c 600 "$T/$s.dump")"
    $SW_DAVTOOL todos "$url" "$u" "$p" "$tasks" >"$T/$s.todos" 2>&1
    jsonq "$T/$s.todos" '[t["x-calsteward-kind"] for t in d] == ["agenda", "materials", "minutes", "action-item"] and [t["status"] for t in d] == ["NEEDS-ACTION"] * 3 + ["COMPLETED"] and all(t["related-to"].startswith("gen-ev-") and t["due"] for t in d)'
    ok $? "$s: todos lists the 4 VTODOs with kind, status, due, related-to" \
        "$(head -c 800 "$T/$s.todos")"
    href=$("$SW_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["href"])' "$T/$s.todos")
    $SW_DAVTOOL edit "$url" "$u" "$p" "$href" \
        --set-prop CATEGORIES 'Overdue,Team' \
        --set-prop X-CALSTEWARD-STATE overdue >"$T/$s.edit" 2>&1
    ok $? "$s: edit with If-Match" "$(cat "$T/$s.edit")"
    $SW_DAVTOOL complete "$url" "$u" "$p" "$href" \
        --at 2023-06-13T08:00:00Z >"$T/$s.complete" 2>&1
    ok $? "$s: complete with If-Match" "$(cat "$T/$s.complete")"
    $SW_DAVTOOL todos "$url" "$u" "$p" "$tasks" >"$T/$s.todos2" 2>&1
    jsonq "$T/$s.todos2" 'd[0]["status"] == "COMPLETED" and d[0]["completed"] == "20230613T080000Z" and d[0]["percent-complete"] == "100" and d[0]["categories"] == ["Overdue", "Team"] and d[0]["x-calsteward-state"] == "overdue" and d[1]["status"] == "NEEDS-ACTION"'
    ok $? "$s: todos shows the edit and the completion" \
        "$(head -c 800 "$T/$s.todos2")"
    # a stale ETag: the edit of another client must fail with 412
    etag=$("$SW_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["etag"])' "$T/$s.todos")
    st=$(http PUT "${url%/}$href" "If-Match: $etag" \
        "Content-Type: text/calendar" <"$EX" 2>/dev/null)
    case $st in 412*) r=0 ;; *) r=1 ;; esac
    ok $r "$s: a PUT with a stale If-Match gets 412" "$st"
}

# --- Radicale ---------------------------------------------------------------
t0=$(date +%s)
sw_start_radicale
ok 0 "radicale answers at $SW_RADICALE_URL"
R=$SW_RADICALE_URL
$SW_DAVTOOL mkcal "$R" alice alice-pw /alice/calendar/ \
    --components VEVENT,VTODO >"$T/mk1" 2>&1 &&
    $SW_DAVTOOL mkcal "$R" alice alice-pw /alice/tasks/ --components VTODO \
        --name 'Action items' >"$T/mk2" 2>&1
ok $? "radicale: mkcal /alice/calendar/ and /alice/tasks/" "$(cat "$T/mk1" "$T/mk2")"
round_trip radicale "$R" alice alice-pw /alice/calendar/ /alice/tasks/
http PROPFIND "${R}alice/calendar/" "Depth: 1" \
    "Authorization: Basic Ym9iOmJvYi1wdw==" <<EOF >"$T/bob" 2>/dev/null
$PF
EOF
case $(cat "$T/bob") in 403*) r=0 ;; *) r=1 ;; esac
ok $r "radicale: bob may not read alice's calendar (owner_only)" "$(cat "$T/bob")"

# the fs seeding, and a restart on the same port with the same storage
$SW_DAVTOOL seed-generated "$R" alice alice-pw /alice/bulk/ --events 200 \
    --start 2023-01-01T00:00:00Z --span-days 100 \
    --now 2023-03-01T00:00:00Z --via fs --storage "$SW_RADICALE_STORAGE" \
    >"$T/fs" 2>&1
$SW_DAVTOOL warm "$R" alice alice-pw /alice/bulk/ >"$T/warm" 2>&1
jsonq "$T/warm" 'd["objects"] == 200'
ok $? "radicale: seed-generated --via fs: 200 objects, seen while running" \
    "$(cat "$T/fs" "$T/warm")"
old=$SW_RADICALE_URL
sw_stop_server radicale
st=$(http PROPFIND "${R}alice/" "Depth: 0" </dev/null 2>/dev/null)
case $st in refused*) r=0 ;; *) r=1 ;; esac
ok $r "radicale: stopped, connections are refused" "$st"
sw_restart_server radicale
$SW_DAVTOOL todos "$R" alice alice-pw /alice/tasks/ >"$T/after" 2>&1
[ "$SW_RADICALE_URL" = "$old" ] && jsonq "$T/after" 'len(d) == 4'
ok $? "radicale: restarted on the same URL with the same storage" \
    "$old -> $SW_RADICALE_URL" "$(head -c 300 "$T/after")"

# --- Xandikos ---------------------------------------------------------------
if sw_have_xandikos; then
    sw_start_xandikos
    ok 0 "xandikos answers at $SW_XANDIKOS_URL"
    X=$SW_XANDIKOS_URL
    round_trip xandikos "$X" user any /user/calendars/calendar/ \
        /user/calendars/tasks/
    sw_restart_server xandikos
    $SW_DAVTOOL todos "$X" user any /user/calendars/tasks/ >"$T/xafter" 2>&1
    jsonq "$T/xafter" 'len(d) == 4 and d[0]["status"] == "COMPLETED"'
    ok $? "xandikos: restarted on the same URL with the same storage" \
        "$(head -c 300 "$T/xafter")"
else
    for t in "xandikos answers" "xandikos: round trip" "xandikos: restart"; do
        skip "$t" "no $XANDIKOS (apt-get install xandikos)"
    done
fi

# --- faultproxy -------------------------------------------------------------
sw_start_faultproxy "$R"
P=$SW_PROXY_URL
ok 0 "faultproxy answers at $P"
for url in "$R" "$P"; do
    http PROPFIND "${url}alice/calendar/" "Depth: 1" <<EOF 2>"$T/pf.body"
$PF
EOF
done >"$T/pf"
[ "$(sed -n 1p "$T/pf" | cut -d' ' -f1,3)" = "$(sed -n 2p "$T/pf" | cut -d' ' -f1,3)" ] &&
    grep -q '^207 ' "$T/pf"
ok $? "proxy: PROPFIND Depth 1 gives the same 207 and body length as direct" \
    "$(cat "$T/pf")"
href=$("$SW_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[1]["href"])' "$T/radicale.todos2")
$SW_DAVTOOL get "$R" alice alice-pw "$href" >"$T/g" 2>&1
etag=$("$SW_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["etag"])' "$T/g")
"$SW_PY" -c 'import json,sys; sys.stdout.write(json.load(open(sys.argv[1]))["data"])' "$T/g" >"$T/obj.ics"
st=$(http PUT "${P}${href#/}" "If-Match: $etag" \
    "Content-Type: text/calendar; charset=utf-8" <"$T/obj.ics" 2>/dev/null)
st2=$(http PUT "${R}${href#/}" "If-Match: $etag" \
    "Content-Type: text/calendar; charset=utf-8" <"$T/obj.ics" 2>/dev/null)
case "$st/$st2" in "201 $etag 0/201 $etag 0") r=0 ;; *) r=1 ;; esac
ok $r "proxy: a PUT with If-Match passes (same status and ETag as direct)" \
    "proxy: $st" "direct: $st2"
$SW_DAVTOOL complete "$P" alice alice-pw "$href" >"$T/pc" 2>&1
ok $? "proxy: davtool complete through the proxy" "$(cat "$T/pc")"
grep -q "PUT $href 20[14] if-match=1 " "$SW_PROXY_LOG" &&
    grep -q "PROPFIND /alice/calendar/ 207 if-match=0 " "$SW_PROXY_LOG"
ok $? "proxy: the log has one line a request with status and If-Match" \
    "$(cat "$SW_PROXY_LOG")"

sw_fault status500 every=2 match='^PROPFIND '
for i in 1 2 3 4; do
    http PROPFIND "${P}alice/calendar/" "Depth: 0" <<EOF 2>/dev/null
$PF
EOF
done | cut -d' ' -f1 | tr '\n' ' ' >"$T/s500"
http GET "${P}${href#/}" </dev/null >>"$T/s500" 2>/dev/null
case $(cat "$T/s500") in "207 500 207 500 200 "*) r=0 ;; *) r=1 ;; esac
ok $r "proxy: status500 every=2 match=^PROPFIND answers 500 to every 2nd" \
    "$(cat "$T/s500")"

sw_fault slow seconds=1.5 match='^GET '
a=$(date +%s%N)
http GET "${P}${href#/}" </dev/null >/dev/null 2>&1
b=$(date +%s%N)
http PROPFIND "${P}alice/calendar/" "Depth: 0" <<EOF >/dev/null 2>&1
$PF
EOF
c=$(date +%s%N)
ms1=$(((b - a) / 1000000)) ms2=$(((c - b) / 1000000))
[ $ms1 -ge 1500 ] && [ $ms2 -lt 1500 ]
ok $? "proxy: slow delays matching requests only (GET ${ms1} ms, PROPFIND ${ms2} ms)"

echo "malformed how=truncate" >"$SW_PROXY_CONTROL"
http PROPFIND "${P}alice/calendar/" "Depth: 1" <<EOF >"$T/mal" 2>"$T/mal.body"
$PF
EOF
"$SW_PY" -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' \
    "$T/mal.body" 2>/dev/null
r=$?
case $(cat "$T/mal") in 207*) [ $r -ne 0 ] ;; *) false ;; esac
ok $? "proxy: malformed (set by the control file) breaks a 207 body" \
    "$(cat "$T/mal")" "$(head -c 300 "$T/mal.body")"
$SW_DAVTOOL dump "$P" alice alice-pw /alice/calendar/ >/dev/null 2>&1
[ $? -ne 0 ]
ok $? "proxy: malformed: davtool dump (python3-caldav) fails on it"
http GET "${P}${href#/}" </dev/null >"$T/mal2" 2>/dev/null
case $(cat "$T/mal2") in 200*) r=0 ;; *) r=1 ;; esac
ok $r "proxy: malformed leaves a GET alone" "$(cat "$T/mal2")"

sw_fault none
$SW_DAVTOOL get "$R" alice alice-pw /alice/calendar/gen-ev-00003.ics >"$T/g" 2>&1
etag=$("$SW_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["etag"])' "$T/g")
"$SW_PY" -c 'import json,sys; sys.stdout.write(json.load(open(sys.argv[1]))["data"])' "$T/g" >"$T/ev.ics"
sw_fault conflict edit=summary
before=$(sw_proxy_count)
st=$(http PUT "${P}alice/calendar/gen-ev-00003.ics" "If-Match: $etag" \
    "Content-Type: text/calendar; charset=utf-8" <"$T/ev.ics" 2>/dev/null)
$SW_DAVTOOL get "$R" alice alice-pw /alice/calendar/gen-ev-00003.ics >"$T/g2" 2>&1
case $st in 412*) r=0 ;; *) r=1 ;; esac
[ $r = 0 ] && grep -q 'SUMMARY:Generated meeting 3 (edited)' "$T/g2" &&
    tail -n +"$((before + 1))" "$SW_PROXY_LOG" | grep -q '^[0-9]* CONFLICT-PUT /alice/calendar/gen-ev-00003.ics 20[14] if-match=1'
ok $? "proxy: conflict edits the event itself, the client's PUT gets a real 412" \
    "$st" "$(tail -n 3 "$SW_PROXY_LOG")" "$(grep SUMMARY "$T/g2")"
$SW_DAVTOOL edit "$P" alice alice-pw /alice/calendar/gen-ev-00003.ics \
    --set-prop LOCATION 'Room 2' >"$T/c2" 2>&1
ok $? "proxy: conflict hits only the 1st conditional PUT (nth=1)" \
    "$(cat "$T/c2")"

sw_fault die-after n=3
for i in 1 2 3 4 5; do
    http GET "${P}${href#/}" </dev/null 2>/dev/null
done >"$T/die"
sleep 0.3
st=$(http GET "${P}${href#/}" </dev/null 2>/dev/null)
case "$(cut -d' ' -f1 "$T/die" | tr '\n' ' ')" in
"200 200 200 refused refused ") r=0 ;; *) r=1 ;; esac
[ $r = 0 ] && case $st in refused*) true ;; *) false ;; esac
ok $? "proxy: die-after n=3 answers 3 requests, then refuses connections" \
    "$(cat "$T/die")" "$st"
sw_start_faultproxy "$R"
st=$(http GET "${P}${href#/}" </dev/null 2>/dev/null)
case "$SW_PROXY_URL $st" in "$P 200"*) r=0 ;; *) r=1 ;; esac
ok $r "proxy: starts again on the same port after die-after" "$st"

t1=$(date +%s)
echo "# $((t1 - t0)) s"
echo "1..$n"
[ $failed -eq 0 ]
