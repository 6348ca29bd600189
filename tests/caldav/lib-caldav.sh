# lib-caldav.sh -- shared by the tests against real CalDAV servers
# (test-caldav-radicale.sh, test-caldav-xandikos.sh); sourced, not run.
#
# The caller sets DRIVER, BASE, PY and tmp, and the counters n and failed
# (0).  dav() prints one TAP line per call.

# dav NAME WANT... -- ARGS...: runs the driver with ARGS.  Every WANT must
# be a line of its output (exactly); a WANT "~RE" must match a line
# (grep -E), a WANT "=N:RE" must match exactly N lines, a WANT "!TEXT"
# must occur in no line.
dav() {
    name=$1
    shift
    : >"$tmp/want"
    while [ "$1" != "--" ]; do
        printf '%s\n' "$1" >>"$tmp/want"
        shift
    done
    shift
    # shellcheck disable=SC2086
    "$DRIVER" "$BASE" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    n=$((n + 1))
    ok=1
    [ $rc -eq 0 ] || ok=0
    while IFS= read -r w; do
        case $w in
        "~"*) grep -qE -- "${w#"~"}" "$tmp/out" ||
            { ok=0; echo "# no line matches: ${w#"~"}"; } ;;
        "="*) re=${w#*:}
            c=$(grep -cE -- "$re" "$tmp/out")
            [ "$c" = "$(expr "x$w" : 'x=\([0-9]*\):')" ] ||
            { ok=0; echo "# $c lines match: $re"; } ;;
        "!"*) ! grep -qF -- "${w#"!"}" "$tmp/out" ||
            { ok=0; echo "# unexpected: ${w#"!"}"; } ;;
        *) grep -qxF -- "$w" "$tmp/out" || { ok=0; echo "# missing: $w"; } ;;
        esac
    done <"$tmp/want"
    if [ $ok -eq 1 ]; then
        echo "ok $n - $name"
    else
        echo "not ok $n - $name"
        sed 's/^/#   out: /' "$tmp/out"
        sed 's/^/#   err: /' "$tmp/err"
        failed=$((failed + 1))
    fi
}

# field KEY: the first "KEY: value" of the last output.
field() { sed -n "s/^$1: //p" "$tmp/out" | head -n 1; }

crlf() { "$PY" -c 'import sys; sys.stdout.write(sys.stdin.read().replace("\n", "\r\n"))'; }

# event NAME START END SUMMARY: writes $tmp/NAME.ics (UID NAME@calsteward.test)
event() {
    crlf >"$tmp/$1.ics" <<EOF
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//calsteward//test//EN
BEGIN:VEVENT
UID:$1@calsteward.test
DTSTAMP:20250101T090000Z
DTSTART:$2
DTEND:$3
SUMMARY:$4
END:VEVENT
END:VCALENDAR
EOF
}

# todo NAME DUE SUMMARY
todo() {
    crlf >"$tmp/$1.ics" <<EOF
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//calsteward//test//EN
BEGIN:VTODO
UID:$1@calsteward.test
DTSTAMP:20250101T090000Z
DUE:$2
SUMMARY:$3
END:VTODO
END:VCALENDAR
EOF
}

# sweep_checks WORK TASKS [AUTH...]: what the sweep asks, on an empty
# VEVENT collection WORK and a VTODO collection TASKS (paths ending in
# "/").  calendar-query with a time range returns exactly the events and
# tasks in it; multiget returns data and 404 for a missing member;
# collection_info reports a sync-token and a ctag; an initial
# sync-collection lists every member, and after one PUT and one DELETE the
# token sync lists exactly those two (the deleted one 404); member ETags.
sweep_checks() {
    work=$1
    tasks=$2
    shift 2
    event evjan 20250110T090000Z 20250110T100000Z "January review"
    event evfeb 20250210T090000Z 20250210T100000Z "February review"
    event evmar 20250310T090000Z 20250310T100000Z "March review"
    event evapr 20250410T090000Z 20250410T100000Z "April review"
    todo todojan 20250115T170000Z "Send the January minutes"
    todo todojun 20250615T170000Z "Book the summer venue"
    for e in evjan evfeb evmar; do
        dav "PUT $e" "result: OK" "~^http: 20[14]$" -- op=put \
            path="$work$e.ics" if-none-match=* body-file="$tmp/$e.ics" "$@"
    done
    for e in todojan todojun; do
        dav "PUT $e" "result: OK" "~^http: 20[14]$" -- op=put \
            path="$tasks$e.ics" if-none-match=* body-file="$tmp/$e.ics" "$@"
    done
    dav "calendar-query VEVENT January-February: exactly those two" \
        "result: OK" "items: 2" "~^item: 200 ${work}evjan.ics \"" \
        "~^item: 200 ${work}evfeb.ics \"" "!evmar" "!data-bytes" -- \
        op=query path="$work" comp=VEVENT start=20250101T000000Z \
        end=20250301T000000Z data=0 "$@"
    dav "calendar-query with data: the March event, its text" \
        "result: OK" "items: 1" "~^item: 200 ${work}evmar.ics \"" \
        "| SUMMARY:March review" "| UID:evmar@calsteward.test" -- \
        op=query path="$work" comp=VEVENT start=20250301T000000Z \
        end=20250401T000000Z data=1 "$@"
    dav "calendar-query VTODO due in January: exactly that one" \
        "result: OK" "items: 1" "~^item: 200 ${tasks}todojan.ics \"" \
        "!todojun" -- op=query path="$tasks" comp=VTODO \
        start=20250101T000000Z end=20250201T000000Z "$@"
    dav "calendar-multiget: data for one, 404 for a missing one" \
        "result: OK" "items: 2" "~^item: 200 ${work}evjan.ics \"" \
        "| SUMMARY:January review" "item: 404 ${work}missing.ics -" -- \
        op=multiget path="$work" href="${work}evjan.ics" \
        href="${work}missing.ics" "$@"
    dav "collection info: a calendar with sync-token and ctag" \
        "result: OK" "calendar: 1" "~^sync-token: [^(]" "~^ctag: [^(]" -- \
        op=colinfo path="$work" "$@"
    # Radicale lists members deleted before (404) in an initial sync too
    dav "sync-collection initial: every member" "result: OK" "sync: OK" \
        "=3:^item: 200 " "~^item: 200 ${work}evjan.ics \"" \
        "~^item: 200 ${work}evfeb.ics \"" "~^item: 200 ${work}evmar.ics \"" \
        "~^sync-token: ." -- op=sync path="$work" "$@"
    tok=$(field sync-token)
    dav "PUT evapr" "result: OK" "~^http: 20[14]$" -- op=put \
        path="${work}evapr.ics" if-none-match=* body-file="$tmp/evapr.ics" "$@"
    dav "DELETE evfeb" "result: OK" "~^http: 20[04]$" -- op=delete \
        path="${work}evfeb.ics" "$@"
    dav "sync-collection with the token: exactly the PUT and the DELETE" \
        "result: OK" "sync: OK" "items: 2" "~^item: 200 ${work}evapr.ics \"" \
        "item: 404 ${work}evfeb.ics -" "~^sync-token: ." -- \
        op=sync path="$work" "token=$tok" "$@"
    tok2=$(field sync-token)
    n=$((n + 1))
    if [ -n "$tok2" ] && [ "$tok2" != "$tok" ]; then
        echo "ok $n - a new sync-token after changes"
    else
        echo "not ok $n - sync-token '$tok2' after '$tok'"
        failed=$((failed + 1))
    fi
    dav "sync-collection with the new token: nothing changed" \
        "result: OK" "sync: OK" "items: 0" -- op=sync path="$work" \
        "token=$tok2" "$@"
    dav "member ETags (PROPFIND Depth 1)" "result: OK" "items: 3" \
        "~^item: 200 ${work}evjan.ics \"" "~^item: 200 ${work}evapr.ics \"" \
        "!evfeb" "!item: 200 $work " -- op=etags path="$work" "$@"
}
