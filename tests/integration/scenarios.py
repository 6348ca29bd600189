#!/usr/bin/python3
"""scenarios.py -- end-to-end cases for mod_calsteward (TAP on stdout).

Run by test-plugin-radicale.sh, which starts Radicale and Apache (lib.sh)
with the configuration of that script, and by test-plugin-xandikos.sh
(--backend, --server Xandikos, --home USER=PREFIX: Xandikos has one
principal, so alice's collections are /user/calendars/NAME/ and bob's
/user/calendars/bob-NAME/).  Every case is: a request (or a
client's sequence of requests) sent through Apache, the expected status,
headers and body, what Radicale then holds (read back directly from
Radicale, and through Apache with python3-caldav), and the error-log lines
the module must have written.

Byte-for-byte checks use two witnesses:
  * an "echo" backend of our own (/echo/ is proxied to it), which records
    the exact bytes that arrive after the module -- the strongest check;
  * a control copy: the same bytes PUT straight into Radicale (collection
    /alice/direct/).  Radicale re-serialises what it stores (property
    order, folding), deterministically, so "stored through Apache ==
    stored directly" means the module passed the client's bytes on.

Cases known to fail because of work in progress are listed in TODO (TAP
"# TODO" directive: reported, not counted as failures).
"""
import argparse
import base64
import datetime as dt
import glob
import hashlib
import http.client
import os
import re
import sys
import threading
import time
import urllib.parse
import uuid
import xml.dom.minidom
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import caldav

USERS = {"alice": "alice-pw", "bob": "bob-pw", "carol": "carol-pw"}
BEGIN = "-- calsteward: generated - edits here are replaced --"
END = "-- end of calsteward --"
SCHEMA = 'SCHEMA="urn:calsteward:agenda:1"'
XPROP = "X-CALSTEWARD-AGENDA"

# Case name (prefix) -> reason.  A failing case so named is reported as
# "not ok N - name # TODO reason" (automake: XFAIL); a passing one as a
# plain "ok" -- so that the suite does not turn red (XPASS) the moment the
# work lands.  Remove an entry once its cases pass; CST_STRICT=1 ignores
# the list.
TODO = {}
if os.environ.get("CST_STRICT") == "1":
    TODO = {}


# ---- TAP -------------------------------------------------------------------

class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0
        self.todo_failed = []
        self.lock = threading.Lock()

    def ok(self, cond, name, *diag):
        with self.lock:
            self.n += 1
            todo = next((r for k, r in TODO.items() if name.startswith(k)),
                        None)
            line = ("ok" if cond else "not ok") + " %d - %s" % (self.n, name)
            if todo is not None and not cond:
                line += " # TODO " + todo
            print(line)
            if not cond:
                if todo is None:
                    self.failed += 1
                else:
                    self.todo_failed.append(name)
                for d in diag:
                    for ln in str(d).splitlines() or [""]:
                        print("#   " + ln)
            sys.stdout.flush()
        return cond

    def eq(self, got, want, name, *diag):
        return self.ok(got == want, name,
                       "want: %r" % (want,), "got:  %r" % (got,), *diag)

    def diag(self, *lines):
        for d in lines:
            for ln in str(d).splitlines():
                print("# " + ln)

    def done(self):
        # a script run in phases prints the plan itself
        # (test-plugin-delivery.sh)
        if os.environ.get("CST_TAP_NO_PLAN") == "1":
            return
        print("1..%d" % self.n)
        if self.todo_failed:
            print("# TODO cases failing: " + "; ".join(self.todo_failed))


T = Tap()


# ---- HTTP ------------------------------------------------------------------

class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers      # lower-case name -> value
        self.body = body

    def h(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return "<%d %s %r>" % (self.status, self.headers,
                               self.body[:300])


def auth(user):
    tok = base64.b64encode(("%s:%s" % (user, USERS[user])).encode()).decode()
    return "Basic " + tok


class Client:
    """One keep-alive connection (http.client), Basic auth as `user`."""

    def __init__(self, base, user="alice"):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.user = user
        self.conn = None

    def request(self, method, path, body=None, headers=None, chunked=False):
        hdrs = {"Authorization": auth(self.user)} if self.user else {}
        hdrs.update(headers or {})
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port,
                                                       timeout=30)
            try:
                if chunked:
                    self.conn.putrequest(method, path,
                                         skip_accept_encoding=True)
                    for k, v in hdrs.items():
                        self.conn.putheader(k, v)
                    self.conn.putheader("Transfer-Encoding", "chunked")
                    self.conn.endheaders()
                    step = 1000
                    for i in range(0, len(body), step):
                        part = body[i:i + step]
                        self.conn.send(b"%x\r\n" % len(part) + part + b"\r\n")
                    self.conn.send(b"0\r\n\r\n")
                else:
                    self.conn.request(method, path, body=body, headers=hdrs)
                r = self.conn.getresponse()
                data = r.read()
                hs = {k.lower(): v for k, v in r.getheaders()}
                if hs.get("connection", "").lower() == "close":
                    self.close()
                return Resp(r.status, hs, data)
            except (http.client.RemoteDisconnected, BrokenPipeError,
                    ConnectionResetError):
                # the server closed an idle keep-alive connection
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def put(c, path, body, ctype="text/calendar; charset=utf-8", **kw):
    headers = {"Content-Type": ctype}
    headers.update(kw.pop("headers", {}))
    return c.request("PUT", path, body, headers, **kw)


# ---- the echo backend --------------------------------------------------------

class Echo:
    """Records the bytes of every PUT that reaches it (after Apache and
    the module) and answers 201 with an ETag, as a CalDAV server would;
    a GET (the module's read of the stored copy) is answered with what a
    case put in `files` for that path (200) or 404, 401 without Basic
    credentials of a known user, and recorded in `gets`."""

    def __init__(self, port):
        seen = self.seen = {}
        gets = self.gets = []
        files = self.files = {}

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_PUT(self):
                te = self.headers.get("Transfer-Encoding", "")
                if "chunked" in te.lower():
                    data = b""
                    while True:
                        n = int(self.rfile.readline().split(b";")[0], 16)
                        if n == 0:
                            self.rfile.readline()
                            break
                        data += self.rfile.read(n)
                        self.rfile.readline()
                else:
                    data = self.rfile.read(
                        int(self.headers.get("Content-Length", "0")))
                seen[self.path] = (data, dict(self.headers))
                self.send_response(201)
                self.send_header("ETag", '"echo-%d"' % len(data))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):
                a = self.headers.get("Authorization", "")
                gets.append((self.path, a))
                good = a in [auth(u) for u in USERS]
                body = files.get(self.path) if good else None
                self.send_response(401 if not good else
                                   200 if body is not None else 404)
                if body is not None:
                    self.send_header("Content-Type", "text/calendar")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                if body is not None:
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), H)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# ---- iCalendar fixtures (CRLF) ---------------------------------------------

def utc(t):
    return t.strftime("%Y%m%dT%H%M%SZ")


NOW = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
START = (NOW + dt.timedelta(days=30)).replace(minute=0, second=0)


def ics(*lines):
    return ("\r\n".join(("BEGIN:VCALENDAR", "VERSION:2.0",
                         "PRODID:-//calsteward//integration//EN") + lines
                        + ("END:VCALENDAR",)) + "\r\n").encode("utf-8")


def meeting(uid, organizer="mailto:alice@example.com", goal=True,
            agenda=True, materials=False, minutes=None, start=START,
            extra=(), attendees=("mailto:bob@example.com",), pad=0):
    desc = ""
    if goal:
        desc += "Goal: decide the Q3 budget split\\n\\n"
    if agenda:
        desc += ("Agenda:\\n1. Review of last action items (10 min\\, Alice)"
                 "\\n2. Budget split (30 min\\, Bob)\\n")
    if materials:
        desc += "\\nMaterials:\\n- budget-q3-draft.xlsx\\n"
    if minutes:
        desc += "\\nMinutes:\\n" + minutes
    if pad:
        desc += "\\nNotes: " + "x" * pad
    lines = ["BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:" + utc(NOW),
             "SUMMARY:Budget split " + uid,
             "ORGANIZER;CN=Alice:" + organizer]
    lines += ["ATTENDEE;CN=%s;PARTSTAT=NEEDS-ACTION:%s"
              % (a.split(":")[1].split("@")[0].capitalize(), a)
              for a in attendees]
    lines += ["DTSTART:" + utc(start),
              "DTEND:" + utc(start + dt.timedelta(hours=1))]
    if desc:
        lines += fold("DESCRIPTION:" + desc)
    lines += list(extra)
    lines += ["X-UNKNOWN-CLIENT-PROP;X-P=1:kept as it is", "END:VEVENT"]
    return ics(*lines)


def fold(line):
    """Folds a content line at 75 octets, never inside a UTF-8 sequence."""
    out, cur = [], b""
    for ch in line:
        e = ch.encode("utf-8")
        if len(cur) + len(e) > (75 if not out else 74):
            out.append(cur.decode("utf-8"))
            cur = b""
        cur += e
    out.append(cur.decode("utf-8"))
    return [out[0]] + [" " + x for x in out[1:]]


def todo(uid):
    return ics("BEGIN:VTODO", "UID:" + uid, "DTSTAMP:" + utc(NOW),
               "SUMMARY:Buy milk", "DUE:" + utc(START),
               "ORGANIZER:mailto:alice@example.com",
               "ATTENDEE:mailto:bob@example.com", "END:VTODO")


def lone_event(uid):
    return ics("BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:" + utc(NOW),
               "SUMMARY:Dentist", "DTSTART:" + utc(START),
               "DTEND:" + utc(START + dt.timedelta(hours=1)),
               "DESCRIPTION:Goal: nothing\\nAgenda:\\n1. x (10 min\\, Alice)",
               "END:VEVENT")


def unfold(text):
    return re.sub(r"\r?\n[ \t]", "", text)


def prop(text, name):
    """Values of property NAME (parameters dropped) in an iCalendar text."""
    out = []
    for ln in unfold(text).splitlines():
        m = re.match(r"(?i)%s(;[^:]*)?:(.*)$" % re.escape(name), ln)
        if m:
            out.append(m.group(2))
    return out


def props_raw(text, name):
    return [ln for ln in unfold(text).splitlines()
            if re.match(r"(?i)%s[;:]" % re.escape(name), ln)]


def agenda_lines(e, text):
    """Our agenda properties in text: STRUCTURED-DATA with our schema, or
    with --agenda x-property (policy agenda-property) X-CALSTEWARD-AGENDA."""
    if e.agenda == "x-property":
        return props_raw(text, XPROP)
    return [ln for ln in props_raw(text, "STRUCTURED-DATA") if SCHEMA in ln]


def untext(v):
    return (v.replace("\\n", "\n").replace("\\N", "\n").replace("\\,", ",")
            .replace("\\;", ";").replace("\\\\", "\\"))


# ---- the scenarios -----------------------------------------------------------

class Env:
    def __init__(self, a):
        self.apache = a.apache
        self.backend = a.backend
        self.server = a.server
        self.log = a.log
        self.tmp = a.tmp
        # where each user's collections live on the backend: Radicale
        # /alice/NAME/; Xandikos (one principal) /user/calendars/NAME/
        self.homes = {u: "/%s/" % u for u in USERS}
        self.agenda = a.agenda
        self.dav_root = a.dav_root
        self.schedule = a.schedule
        for h in a.home:
            user, _, prefix = h.partition("=")
            self.homes[user] = prefix
        self.A = Client(a.apache)             # alice through Apache
        self.D = Client(a.backend)            # alice straight to the server
        self.B = Client(a.apache, "bob")
        self.BD = Client(a.backend, "bob")
        # --control-user: the control copies go into that user's home
        # (direct-alice/, direct-bob/), as Cyrus refuses a second
        # scheduling object with the same UID in one home (RFC 6638
        # 3.2.4.1, unique-scheduling-object-resource)
        self.ctl = a.control_user
        self.C = Client(a.backend, self.ctl) if self.ctl else None
        self.log_mark = 0

    def col(self, name, user="alice"):
        """The path of USER's collection NAME, with the slash."""
        return self.homes[user] + name + "/"

    def direct(self, user="alice"):
        """(client, collection): where control copies of USER's go."""
        if self.ctl:
            return self.C, self.col("direct-" + user, self.ctl)
        return (self.D if user == "alice" else self.BD,
                self.col("direct", user))

    def barrier(self, c=None):
        """A request on the same keep-alive connection: httpd runs the
        previous request's log_transaction (which queues the tasks)
        before it reads the next request; the delivery thread writes them
        soon after -- callers poll for them."""
        (c or self.A).request("OPTIONS", "/")

    def log_since(self):
        with open(self.log, "rb") as f:
            f.seek(self.log_mark)
            return f.read().decode("utf-8", "replace")

    def mark_log(self):
        self.log_mark = os.path.getsize(self.log)

    def stored(self, path, user="alice"):
        return (self.D if user == "alice" else self.BD).request("GET", path)


def setup(e):
    mk = [("cal", ["VEVENT", "VTODO"]), ("tasks", ["VTODO"]),
          ("small", ["VEVENT", "VTODO"]), ("enforce", ["VEVENT"]),
          ("load", ["VEVENT"])]
    client = caldav.DAVClient(url=e.apache + e.dav_root, username="alice",
                              password=USERS["alice"])
    principal = client.principal()
    for cid, comps in mk:
        principal.make_calendar(name=cid, cal_id=cid,
                                supported_calendar_component_set=comps)
    # with a property to set: Xandikos 0.2.8 answers an empty
    # <C:mkcalendar/> with 500 (after making the collection)
    body = (b'<?xml version="1.0" encoding="utf-8"?>'
            b'<C:mkcalendar xmlns:D="DAV:" '
            b'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>'
            b'<D:displayname>%s</D:displayname></D:prop></D:set>'
            b'</C:mkcalendar>')
    r1 = e.direct()[0].request("MKCALENDAR", e.direct()[1],
                               body % b"direct",
                               {"Content-Type": "application/xml"})
    r2 = e.B.request("MKCALENDAR", e.col("cal", "bob"), body % b"cal",
                     {"Content-Type": "application/xml"})
    r3 = e.direct("bob")[0].request("MKCALENDAR", e.direct("bob")[1],
                                    body % b"direct",
                                    {"Content-Type": "application/xml"})
    ok = all(r.status == 201 for r in (r1, r2, r3))
    T.ok(ok, "setup: calendars made through Apache (python3-caldav "
         "make_calendar) and directly", r1, r2, r3)
    return client


def control(e, name, body, user="alice", ctype="text/calendar; charset=utf-8"):
    """PUTs body straight into the server's USER/direct/NAME: what the
    server stores for exactly these bytes."""
    c, p = e.direct(user)
    p += name
    r = put(c, p, body, ctype)
    g = c.request("GET", p) if r.status < 300 else None
    return r, g


def same_reply(e, via_apache, direct, path, direct_path):
    """Two answer bodies are the same but for the origin (scheme://host:port,
    also percent-encoded) and the resource's path."""
    def norm(b, p):
        b = b.replace(p.encode(), b"RESOURCE")
        b = b.replace(urllib.parse.quote(p).encode(), b"RESOURCE")
        return re.sub(rb"http(://|%3A//)127\.0\.0\.1(:|%3A)\d+", b"ORIGIN", b)
    return norm(via_apache, path) == norm(direct, direct_path)


def check_meeting_stored(e, client, uid, path, label):
    g = e.stored(path)
    text = g.body.decode("utf-8", "replace")
    T.eq(g.status, 200, "%s: GET from %s directly" % (label, e.server))
    sd = agenda_lines(e, text)
    T.ok(len(sd) == 1 and "<goal>decide the Q3 budget split</goal>" in sd[0]
         and sd[0].count("<item ") == 2,
         "%s: stored copy has one %s agenda (goal, 2 items)"
         % (label, XPROP if e.agenda == "x-property" else "STRUCTURED-DATA"),
         text)
    desc = untext((prop(text, "DESCRIPTION") or [""])[0])
    block = desc[desc.find(BEGIN):] if BEGIN in desc else ""
    hh = START.strftime("%H")
    T.ok(block.rstrip().endswith(END)
         and re.search(r"%s:00.%s:10\s+Review of last action items" % (hh, hh),
                       block) is not None
         and "Buffer" in block
         and desc.startswith("Goal: decide the Q3 budget split"),
         "%s: DESCRIPTION ends with the timetable block, organizer's text "
         "first" % label, desc)
    stamp = prop(text, "X-CALSTEWARD-AGENDA-SENT")
    T.ok(len(stamp) == 1 and re.fullmatch(r"\d{8}T\d{6}Z", stamp[0]) is not None,
         "%s: X-CALSTEWARD-AGENDA-SENT stamp" % label, stamp)
    T.ok(prop(text, "X-UNKNOWN-CLIENT-PROP") == ["kept as it is"],
         "%s: the client's unknown property kept" % label)
    # through Apache, as a CalDAV client sees it
    try:
        cal = client.calendar(url=e.apache + path.rsplit("/", 1)[0] + "/")
        ev = cal.event_by_uid(uid)
        data = ev.data
        vdesc = ev.vobject_instance.vevent.description.value
        T.ok(len(agenda_lines(e, data)) == 1 and BEGIN in vdesc
             and END in vdesc
             and "X-CALSTEWARD-AGENDA-SENT" in data,
             "%s: python3-caldav through Apache sees agenda, block, stamp"
             % label, data)
    except Exception as x:  # noqa: BLE001 -- any client error fails the case
        T.ok(False, "%s: python3-caldav through Apache" % label, repr(x))
    return g


def s_meeting_and_clients(e, client):
    # Thunderbird: create with If-None-Match: *, then GET
    uid = "tb-%s@example.com" % uuid.uuid4()
    path = e.col("cal") + "%s.ics" % uid
    e.mark_log()
    r = put(e.A, path, meeting(uid), headers={"If-None-Match": "*"})
    T.eq(r.status, 201, "thunderbird: PUT If-None-Match: * -> 201", r)
    T.ok(r.h("etag") is None, "thunderbird: no ETag on the changed body", r)
    g = check_meeting_stored(e, client, uid, path, "thunderbird")
    ga = e.A.request("GET", path)
    T.ok(ga.status == 200 and ga.body == g.body and ga.h("etag")
         and ga.h("etag") == g.h("etag"),
         "thunderbird: GET through Apache = %s's copy, with its ETag"
         % e.server,
         ga, g)
    T.ok(put(e.A, path, meeting(uid), headers={"If-None-Match": "*"}).status
         == 412, "thunderbird: a second If-None-Match: * PUT -> 412")
    stamp0 = prop(g.body.decode(), "X-CALSTEWARD-AGENDA-SENT")

    # Apple Calendar: update with If-Match, materials added
    time.sleep(1.1)     # a later `now`, so a moved stamp would show
    body2 = meeting(uid, materials=True)
    body2 = body2.replace(b"END:VEVENT", b"X-CALSTEWARD-AGENDA-SENT:"
                          + stamp0[0].encode() + b"\r\nEND:VEVENT") \
        if stamp0 else body2
    r = put(e.A, path, body2, headers={"If-Match": ga.h("etag") or '"none"'})
    T.ok(r.status in (200, 201, 204), "apple: PUT If-Match -> 2xx", r)
    T.ok(r.h("etag") is None, "apple: no ETag on the changed body", r)
    g2 = e.stored(path)
    t2 = g2.body.decode()
    T.eq(prop(t2, "X-CALSTEWARD-AGENDA-SENT"), stamp0,
         "apple: the agenda stamp did not move")
    T.ok(len(prop(t2, "X-CALSTEWARD-MATERIALS-SENT")) == 1,
         "apple: X-CALSTEWARD-MATERIALS-SENT added", t2)
    T.ok(len(agenda_lines(e, t2)) == 1
         and untext(prop(t2, "DESCRIPTION")[0]).count(BEGIN) == 1,
         "apple: still one agenda and one block after the update", t2)
    r = put(e.A, path, body2, headers={"If-Match": '"stale"'})
    T.eq(r.status, 412, "apple: a stale If-Match still -> 412", r)

    # a client that writes its own stamp on a new meeting (a backdated
    # agenda stamp would pass agenda-lead-time): calsteward's `now` wins
    uid = "drop-%s@example.com" % uuid.uuid4()
    path = e.col("cal") + "%s.ics" % uid
    old = utc(NOW - dt.timedelta(days=10))
    r = put(e.A, path, meeting(uid, extra=["X-CALSTEWARD-AGENDA-SENT:" + old]),
            headers={"If-None-Match": "*"})
    g = e.stored(path)
    first = prop(g.body.decode(), "X-CALSTEWARD-AGENDA-SENT")
    T.ok(len(first) == 1 and first[0] != old
         and first[0] >= utc(NOW - dt.timedelta(minutes=5)),
         "stamps: a new meeting's own stamp gives way to now", r, first)
    # an update that writes another one: the stored stamp wins
    time.sleep(1.1)
    r = put(e.A, path, meeting(uid, extra=["X-CALSTEWARD-AGENDA-SENT:" + old]),
            headers={"If-Match": g.h("etag")})
    g = e.stored(path)
    T.eq(prop(g.body.decode(), "X-CALSTEWARD-AGENDA-SENT"), first,
         "stamps: an update's own stamp gives way to the stored one", r)
    # a client that drops the X-CALSTEWARD-* stamps (and our STRUCTURED-DATA)
    time.sleep(1.1)
    r = put(e.A, path, meeting(uid, goal=True),
            headers={"If-Match": g.h("etag")})
    T.ok(r.status in (200, 201, 204), "stamps: update without stamps -> 2xx",
         r)
    g = e.stored(path)
    T.eq(prop(g.body.decode(), "X-CALSTEWARD-AGENDA-SENT"), first,
         "stamps: dropped by the client, carried over from the stored copy",
         g.body.decode())
    return uid


def s_not_touched(e):
    # non-meetings, through Radicale: stored exactly as a direct PUT stores
    # them, ETag kept
    cases = [("vtodo", todo), ("event-without-attendees", lone_event)]
    for i, (name, fn) in enumerate(cases):
        uid = "%s-%s" % (name, uuid.uuid4())
        body = fn(uid)
        p = e.col("cal") + "%s.ics" % uid
        r = put(e.A, p, body, headers={"If-None-Match": "*"})
        rc, gc = control(e, uid + ".ics", body)
        g = e.stored(p)
        # the ETag a direct PUT gets; Cyrus: none for a scheduling object
        # it re-serialised, and its ETag is per resource, not a hash of
        # the object, so only "one when a direct PUT gets one"; DAViCal:
        # none for a scheduling object (this VTODO has an ORGANIZER and an
        # ATTENDEE), so none through the module either
        T.ok(r.status == 201
             and (r.h("etag") is not None and r.h("etag") == rc.h("etag")
                  or e.server == "DAViCal" and r.h("etag") == rc.h("etag")
                  or e.server == "Cyrus"
                  and (r.h("etag") is None) == (rc.h("etag") is None)),
             "untouched %d %s: 201 with %s's ETag" % (i, name, e.server), r, rc)
        T.ok(g.body == gc.body,
             "untouched %d %s: stored = stored by a direct PUT" % (i, name),
             g.body, gc.body)
        r = put(e.A, "/echo/%s" % uid, body)
        T.ok(e.echo.seen.get("/echo/%s" % uid, (None,))[0] == body,
             "untouched %d %s: the bytes reach the backend unchanged"
             % (i, name))

    # a meeting whose organizer is someone else: bob stores alice's invite
    uid = "bobs-copy-%s@example.com" % uuid.uuid4()
    body = meeting(uid)
    p = e.col("cal", "bob") + "%s.ics" % uid
    r = put(e.B, p, body, headers={"If-None-Match": "*"})
    rc, gc = control(e, uid + ".ics", body, user="bob")
    g = e.stored(p, user="bob")
    T.ok(r.status == 201 and r.h("etag") == rc.h("etag")
         and g.body == gc.body,
         "organizer: bob's copy of alice's meeting is stored untouched",
         r, g.body)

    # organizer matching, seen at the echo backend: (user, organizer,
    # processed?)
    table = [
        ("alice", "mailto:alice@example.com", True),
        ("alice", "MAILTO:Alice@Example.COM", True),
        ("alice", "mailto:alice@other.example", True),
        ("bob", "mailto:alice@example.com", False),
        ("bob", "mailto:bobby@example.com", False),
    ]
    for i, (user, org, want) in enumerate(table):
        uid = "org-%d-%s" % (i, uuid.uuid4())
        body = meeting(uid, organizer=org,
                       attendees=("mailto:carol@example.com",))
        c = Client(e.apache, user)
        put(c, "/echo/%s" % uid, body)
        c.close()
        got = e.echo.seen.get("/echo/%s" % uid, (b"",))[0]
        T.eq(got != body, want,
             "organizer %d: user %s, ORGANIZER %s -> %s"
             % (i, user, org, "processed" if want else "untouched"),
             got.decode("utf-8", "replace")[:600])


def s_tasks(e, client):
    tasks = client.calendar(url=e.apache + e.col("tasks"))

    def related(uid):
        out = []
        for t in tasks.todos(include_completed=True):
            v = t.vobject_instance.vtodo
            if getattr(v, "related_to", None) and v.related_to.value == uid:
                out.append(v)
        return out

    uid = "tasks-%s@example.com" % uuid.uuid4()
    path = e.col("cal") + "%s.ics" % uid
    r = put(e.A, path, meeting(uid), headers={"If-None-Match": "*"})
    e.barrier()
    found = related(uid)
    # the module's delivery thread writes the tasks after the response,
    # one by one: wait (bounded) for all three
    for _ in range(200):
        if len(found) >= 3:
            break
        time.sleep(0.1)
        found = related(uid)
    T.ok(r.status == 201 and len(found) >= 1, "tasks: the meeting's tasks "
         "appear in %s (python3-caldav todos)" % e.col("tasks"), r,
         e.log_since()[-2000:])
    kinds = sorted(v.contents["x-calsteward-kind"][0].value for v in found
                   if "x-calsteward-kind" in v.contents)
    T.eq(kinds, ["agenda", "materials", "minutes"],
         "tasks: agenda, materials and minutes preparation tasks")
    T.ok(all(getattr(v, "summary", None) and v.summary.value
             and getattr(v, "due", None) for v in found) and found,
         "tasks: each has SUMMARY and DUE",
         [(getattr(v, "summary", None), getattr(v, "due", None))
          for v in found])
    total = len(tasks.todos(include_completed=True))
    g = e.stored(path)
    r = put(e.A, path, g.body, headers={"If-Match": g.h("etag")})
    e.barrier()
    time.sleep(1.5)
    T.ok(r.status in (200, 201, 204) and len(related(uid)) == len(found)
         and len(tasks.todos(include_completed=True)) == total,
         "tasks: saving the meeting again duplicates nothing (%d tasks)"
         % len(found), r)
    # what a client does after its re-fetch: it saves the server's own
    # rewrite (Radicale and Xandikos both re-serialise) back; the module
    # must find nothing to change, so the reply keeps the server's ETag
    # and the stored copy stays as it was
    g2 = e.stored(path)
    # DAViCal answers a PUT of a scheduling object without an ETag (it adds
    # SCHEDULE-STATUS), and the ETag it then serves is the MD5 of the bytes
    # it received, not of what it stores: a no-op save moves it to the MD5
    # of the stored copy.  There, "unchanged" is: no ETag, as a direct save
    # of the same bytes gets none, and the ETag served is the MD5 of what
    # the client sent (so those bytes reached DAViCal as they were).
    if e.server == "DAViCal":
        rd = put(e.D, path, g2.body, headers={"If-Match": g2.h("etag")})
        kept = (r.h("etag") is None and rd.h("etag") is None
                and g2.h("etag") == '"%s"' % hashlib.md5(g.body).hexdigest())
    elif e.server == "Cyrus":
        # Cyrus answers a save of a scheduling object with a Schedule-Tag
        # and no ETag, and the first save of the same bytes still makes a
        # new revision (new ETag, same body), as a direct save does: there
        # "unchanged" is that the module passes those bytes on as they are
        # (the echo backend receives them)
        ep = "/echo/rewrite-%s.ics" % uid
        e.echo.files[ep] = g.body  # what the server holds
        put(e.A, ep, g.body)
        kept = (r.h("etag") is None
                and e.echo.seen.get(ep, (None,))[0] == g.body)
    else:
        kept = (r.h("etag") is not None
                and g2.h("etag") == g.h("etag") == r.h("etag"))
    T.ok(kept and g2.body == g.body,
         "rewrite: the server's own copy saved back is left unchanged "
         "(ETag kept, stored copy the same)", r, g.h("etag"), g2.h("etag"),
         g2.body.decode("utf-8", "replace"))

    # a meeting that took place, with minutes and action items
    uid = "minutes-%s@example.com" % uuid.uuid4()
    past = (NOW - dt.timedelta(days=2)).replace(minute=0, second=0)
    due = (past + dt.timedelta(days=10)).strftime("%Y-%m-%d")
    minutes = ("Decisions:\\n- budget split approved\\n"
               "Action items:\\n- Send the final budget — Bob — %s — "
               "spreadsheet on the drive — high\\n\\nNext meeting: %s\\n"
               % (due, due))
    r = put(e.A, e.col("cal") + "%s.ics" % uid,
            meeting(uid, start=past, materials=True, minutes=minutes),
            headers={"If-None-Match": "*"})
    e.barrier()
    acts = []
    for _ in range(200):
        acts = [v for v in related(uid)
                if v.contents.get("x-calsteward-kind", [None])[0]
                and v.contents["x-calsteward-kind"][0].value == "action-item"]
        if acts:
            break
        time.sleep(0.1)
    T.ok(r.status == 201 and len(acts) == 1
         and acts[0].summary.value == "Send the final budget"
         and acts[0].due.value.strftime("%Y-%m-%d") == due
         and "bob@example.com" in acts[0].attendee.value.lower(),
         "tasks: an action item from the minutes (SUMMARY, DUE, ATTENDEE)",
         r, [v.serialize() for v in acts])


def s_enforce(e):
    uid = "enforce-%s@example.com" % uuid.uuid4()
    p = e.col("enforce") + "%s.ics" % uid
    e.mark_log()
    r = put(e.A, p, meeting(uid, goal=False), headers={"If-None-Match": "*"})
    T.eq(r.status, 403, "enforce: a new meeting without a goal -> 403", r)
    T.ok((r.h("content-type") or "").startswith("application/xml"),
         "enforce: Content-Type application/xml", r.h("content-type"))
    try:
        doc = xml.dom.minidom.parseString(r.body)
        root = doc.documentElement
        good = (root.namespaceURI == "DAV:" and root.localName == "error"
                and b"goal-missing" in r.body)
    except Exception as x:  # noqa: BLE001
        good = False
        T.diag("not XML: %r" % x)
    T.ok(good, "enforce: a DAV:error body naming goal-missing", r.body)
    T.eq(e.stored(p).status, 404, "enforce: nothing stored (GET 404)")
    log = e.log_since()
    T.ok(re.search(r"calsteward: CS002 %s: rejected, rule goal-missing"
                   % re.escape(p), log) is not None,
         "enforce: log line 'calsteward: CS002 ... goal-missing'", log[-1500:])
    uid = "enforce-ok-%s@example.com" % uuid.uuid4()
    p = e.col("enforce") + "%s.ics" % uid
    r = put(e.A, p, meeting(uid), headers={"If-None-Match": "*"})
    T.ok(r.status == 201 and e.stored(p).status == 200,
         "enforce: the same meeting with a goal is stored", r)


def s_fail_open(e):
    # (name, location, uid, body, chunked, the error-log line expected)
    cases = []
    uid = "big-%s@example.com" % uuid.uuid4()
    cases.append(("over CalStewardMaxBody (Content-Length)", "small", uid,
                  meeting(uid, pad=2600), False, r"calsteward: CS003 \S*%s" % re.escape(uid)))
    uid = "bigc-%s@example.com" % uuid.uuid4()
    cases.append(("over CalStewardMaxBody (chunked)", "small", uid,
                  meeting(uid, pad=2600), True,
                  r"calsteward: CS003 \S*%s" % re.escape(uid)))
    uid = "notical-%s" % uuid.uuid4()
    cases.append(("not iCalendar", "cal", uid,
                  b"Hello, this is not iCalendar at all\r\n", False,
                  r"calsteward: CS00\d \S*%s" % re.escape(uid)))
    uid = "trunc-%s@example.com" % uuid.uuid4()
    cases.append(("truncated iCalendar", "cal", uid,
                  meeting(uid)[:-40], False,
                  r"calsteward: CS00\d \S*%s" % re.escape(uid)))
    uid = "utf8-%s@example.com" % uuid.uuid4()
    cases.append(("invalid UTF-8", "cal", uid,
                  meeting(uid).replace(b"Budget split (30",
                                       b"Bud\xff\xfeget split (30"), False,
                  r"calsteward: CS00\d \S*%s" % re.escape(uid)))
    for i, (name, loc, uid, body, chunked, logre) in enumerate(cases):
        label = "fail-open %d %s" % (i, name)
        # 1. what arrives at the backend
        e.mark_log()
        ep = "/echo/%s/%s.ics" % (loc, uid)
        r = put(e.A, ep, body, chunked=chunked)
        got = e.echo.seen.get(ep, (None, {}))
        T.ok(r.status == 201 and got[0] == body,
             "%s: the backend receives the client's bytes" % label,
             r, "sent %d bytes, received %r bytes" %
             (len(body), None if got[0] is None else len(got[0])))
        T.ok(r.h("etag") is not None,
             "%s: the backend's ETag is kept" % label, r)
        log = e.log_since()
        T.ok(re.search(logre, log) is not None,
             "%s: error log has %s" % (label, logre), log[-1500:])
        # 2. against Radicale: same answer and same stored copy as a direct
        #    PUT of the same bytes
        p = e.col(loc) + "%s.ics" % uid
        r = put(e.A, p, body, chunked=chunked, headers={"If-None-Match": "*"})
        rc, gc = control(e, uid + ".ics", body)
        if rc.status in (200, 201, 204):
            g = e.stored(p)
            T.ok(r.status == rc.status and r.h("etag") == rc.h("etag")
                 and g.body == gc.body,
                 "%s: %s stores what a direct PUT stores (%d)"
                 % (label, e.server, rc.status), r, rc, g.body[:400], gc.body[:400])
        else:
            # Xandikos refuses with a 207 whose href is the absolute URL
            # (the Host it was sent) of the resource: compare without
            T.ok(r.status == rc.status
                 and same_reply(e, r.body, rc.body, p,
                                e.direct()[1] + uid + ".ics"),
                 "%s: %s answers as to a direct PUT (%d)"
                 % (label, e.server, rc.status), r, rc)


def s_passthrough(e):
    uid = "pt-%s" % uuid.uuid4()
    body = todo(uid)
    put(e.D, e.col("cal") + "%s.ics" % uid, body)
    dc, dp = e.direct()
    put(dc, dp + "%s.ics" % uid, body)
    e.barrier()
    propfind = (b'<?xml version="1.0" encoding="utf-8"?><D:propfind '
                b'xmlns:D="DAV:"><D:prop><D:getetag/><D:resourcetype/>'
                b'<D:displayname/></D:prop></D:propfind>')
    report = (b'<?xml version="1.0" encoding="utf-8"?>'
              b'<C:calendar-query xmlns:D="DAV:" '
              b'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/>'
              b'<C:calendar-data/></D:prop><C:filter><C:comp-filter '
              b'name="VCALENDAR"><C:comp-filter name="VTODO"/>'
              b'</C:comp-filter></C:filter></C:calendar-query>')
    xmlct = {"Content-Type": "application/xml; charset=utf-8"}
    table = [
        ("GET", e.col("cal") + "%s.ics" % uid, None, {}),
        ("GET", e.col("cal") + "missing.ics", None, {}),
        ("PROPFIND", e.col("cal"), propfind, dict(xmlct, Depth="1")),
        ("REPORT", e.col("cal"), report, dict(xmlct, Depth="1")),
        ("OPTIONS", e.col("cal"), None, {}),
    ]
    for i, (m, p, b, h) in enumerate(table):
        ra = e.A.request(m, p, b, h)
        rd = e.D.request(m, p, b, h)
        # Cyrus' error pages name the port of the Host header
        T.ok(ra.status == rd.status
             and re.sub(rb"Port \d+", b"Port N", ra.body)
             == re.sub(rb"Port \d+", b"Port N", rd.body)
             and ra.h("etag") == rd.h("etag")
             and ra.h("content-type") == rd.h("content-type"),
             "pass-through %d: %s %s -> %d, same as %s directly"
             % (i, m, p, rd.status, e.server), ra, rd)
    ra = e.A.request("DELETE", e.col("cal") + "%s.ics" % uid)
    rd = dc.request("DELETE", dp + "%s.ics" % uid)
    # the multistatus names the deleted resource: compare with the paths
    # swapped
    T.ok(ra.status == rd.status
         and ra.body == rd.body.replace(dp.encode(),
                                        e.col("cal").encode())
         and e.stored(e.col("cal") + "%s.ics" % uid).status == 404,
         "pass-through: DELETE -> %d, same as %s directly"
         % (rd.status, e.server),
         ra, rd)
    # a PUT that is not text/calendar is not looked at
    uid = "ct-%s" % uuid.uuid4()
    body = meeting(uid)
    put(e.A, "/echo/%s" % uid, body, ctype="application/octet-stream")
    T.ok(e.echo.seen.get("/echo/%s" % uid, (None,))[0] == body,
         "pass-through: a PUT of application/octet-stream is not touched")


def s_load(e, n=200, threads=8):
    uids = ["load-%03d-%s@example.com" % (i, uuid.uuid4()) for i in range(n)]
    results = {}
    errors = []
    lock = threading.Lock()

    def worker(k):
        c = Client(e.apache)
        try:
            for i in range(k, n, threads):
                r = put(c, e.col("load") + "%s.ics" % uids[i], meeting(uids[i]),
                        headers={"If-None-Match": "*"})
                with lock:
                    results[uids[i]] = r
        except Exception as x:  # noqa: BLE001
            with lock:
                errors.append(repr(x))
        finally:
            c.close()

    t0 = time.monotonic()
    ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(90)
    took = time.monotonic() - t0
    bad = {u: r for u, r in results.items()
           if r.status != 201 or r.h("etag") is not None}
    T.ok(not errors and len(results) == n and not bad,
         "load: %d PUTs over %d connections: all 201 without ETag" % (n, threads),
         errors[:5], list(bad.items())[:5])
    # how long it took is for the reader (bench/ measures speed; a loaded
    # machine must not fail a correct module); the threads' join(90) above
    # and the caller's timeout catch a hang
    T.diag("load: finished in %.1f s" % took)
    # what Radicale holds: every UID exactly once, each processed
    rep = (b'<?xml version="1.0" encoding="utf-8"?>'
           b'<C:calendar-query xmlns:D="DAV:" '
           b'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop>'
           b'<C:calendar-data/></D:prop><C:filter><C:comp-filter '
           b'name="VCALENDAR"/></C:filter></C:calendar-query>')
    r = e.D.request("REPORT", e.col("load"), rep,
                    {"Depth": "1", "Content-Type": "application/xml"})
    text = r.body.decode("utf-8", "replace")
    text = text.replace("&#13;", "\r")
    stored = re.findall(r"UID:(load-\S+?@example\.com)", unfold(text))
    processed = len(re.findall(
        r"(?m)^%s" % re.escape(XPROP + ";") if e.agenda == "x-property"
        else re.escape(SCHEMA), unfold(text)))
    T.ok(sorted(stored) == sorted(uids),
         "load: all %d stored, none lost or duplicated (got %d, %d distinct)"
         % (n, len(stored), len(set(stored))),
         sorted(set(uids) - set(stored))[:5])
    T.eq(processed, n, "load: every stored meeting was processed")


def s_schedule(e):
    """Server-side scheduling (RFC 6638): alice saves a meeting with carol
    through Apache; the server delivers it to carol's inbox and calendar
    (--schedule names them).  What carol receives is the processed invite:
    the agenda (STRUCTURED-DATA) and the timetable in DESCRIPTION.  Carol,
    not bob: every other case invites bob and stores a second (control)
    copy of the same UID, which a server that delivers would deliver
    twice -- so bob's server delivers nothing (DAViCal: he grants no
    schedule-deliver)."""
    if not e.schedule:
        return
    uid = "schedule-%s@example.com" % uuid.uuid4()
    r = put(e.A, e.col("cal") + "%s.ics" % uid,
            meeting(uid, attendees=("mailto:carol@example.com",)),
            headers={"If-None-Match": "*"})
    cc = Client(e.backend, "carol")
    e.barrier()
    rep = (b'<?xml version="1.0" encoding="utf-8"?>'
           b'<C:calendar-query xmlns:D="DAV:" '
           b'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop>'
           b'<C:calendar-data/></D:prop><C:filter><C:comp-filter '
           b'name="VCALENDAR"/></C:filter></C:calendar-query>')
    got, bad = {}, []
    for col in e.schedule:
        q = cc.request("REPORT", col, rep,
                       {"Depth": "1", "Content-Type": "application/xml"})
        texts = []
        if q.status == 207:
            doc = xml.dom.minidom.parseString(q.body)
            for d in doc.getElementsByTagNameNS(
                    "urn:ietf:params:xml:ns:caldav", "calendar-data"):
                t = "".join(n.data for n in d.childNodes
                            if n.nodeType in (n.TEXT_NODE,
                                              n.CDATA_SECTION_NODE))
                if "UID:" + uid in unfold(t):
                    texts.append(t)
        got[col] = (q.status, texts)
        ok = False
        if len(texts) == 1:
            t = texts[0]
            sd = [ln for ln in props_raw(t, "STRUCTURED-DATA")
                  if SCHEMA in ln]
            desc = untext((prop(t, "DESCRIPTION") or [""])[0])
            ok = (len(sd) == 1 and "<goal>decide the Q3 budget split</goal>"
                  in sd[0] and BEGIN in desc and END in desc
                  and "Timetable:" in desc)
        if not ok:
            bad.append(col)
    T.ok(r.status == 201 and not bad,
         "schedule: carol receives alice's processed invite "
         "(STRUCTURED-DATA agenda, timetable in DESCRIPTION) in %s"
         % " and ".join(e.schedule),
         r, "missing or not processed in: %s" % bad,
         *["%s: %r" % (c, v) for c, v in got.items()])
    cc.close()


def s_health(e):
    with open(e.log, "rb") as f:
        log = f.read().decode("utf-8", "replace")
    crashes = [ln for ln in log.splitlines()
               if "exit signal" in ln or "AH00052" in ln]
    T.ok(not crashes, "health: no httpd child crashed", *crashes[:10])
    reports = (glob.glob(os.path.join(e.tmp, "san", "asan.*"))
               + glob.glob(os.path.join(e.tmp, "san", "ubsan.*")))
    texts = []
    for f in reports:
        with open(f, errors="replace") as fh:
            texts.append(fh.read()[:3000])
    T.ok(not reports, "health: no sanitizer report", *texts)


def main(extra=()):
    """extra: more (name, fn(e, client)) steps, run before "health" (a
    server's own cases, e.g. cyrus_agenda.py)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--apache", required=True)
    # the CalDAV server behind Apache, reached directly (--radicale: the
    # name it had when Radicale was the only one)
    ap.add_argument("--backend", "--radicale", dest="backend", required=True)
    ap.add_argument("--server", default="Radicale",
                    help="the backend's name, in case names and SKIPS")
    ap.add_argument("--home", action="append", default=[],
                    metavar="USER=PREFIX",
                    help="USER's collections are PREFIX + NAME + '/' "
                    "(default /USER/)")
    ap.add_argument("--dav-root", default="/",
                    help="where python3-caldav starts its discovery "
                    "(DAViCal: /caldav.php/)")
    ap.add_argument("--agenda", default="structured-data",
                    choices=("structured-data", "x-property"),
                    help="the policy's agenda-property at / (Cyrus: "
                    "x-property)")
    ap.add_argument("--schedule", action="append", default=[],
                    metavar="PATH", help="carol's collection where the "
                    "server delivers alice's invites (RFC 6638 scheduling; "
                    "DAViCal: her inbox and calendar); none: no such case")
    ap.add_argument("--control-user", default=None,
                    help="control copies go into this user's home "
                    "(direct-alice/, direct-bob/): Cyrus")
    ap.add_argument("--log", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--echo-port", type=int, required=True)
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    e = Env(a)
    e.echo = Echo(a.echo_port)
    steps = [("meeting", None), ("untouched", s_not_touched),
             ("tasks", None), ("enforce", s_enforce),
             ("failopen", s_fail_open), ("passthrough", s_passthrough),
             ("schedule", s_schedule),
             ("load", s_load)] + list(extra) + [("health", s_health)]
    only = set(a.only.split(",")) if a.only else None
    try:
        client = setup(e)
        for name, fn in steps:
            if only and name not in only and name != "health":
                continue
            try:
                if name == "meeting":
                    s_meeting_and_clients(e, client)
                elif name == "tasks":
                    s_tasks(e, client)
                elif (name, fn) in extra:
                    fn(e, client)
                else:
                    fn(e)
            except Exception as x:  # noqa: BLE001 -- report, go on
                import traceback
                T.ok(False, "%s: raised %r" % (name, x),
                     traceback.format_exc())
    finally:
        e.echo.stop()
        T.done()
    return 1 if T.failed else 0


if __name__ == "__main__":
    sys.exit(main())
