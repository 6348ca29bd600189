#!/usr/bin/env python3
"""hostile.py -- requests an attacker would send, against a real Apache
httpd with mod_calsteward in front of a real Radicale (TAP; started by
test-plugin-hostile.sh).

CalStewardBackend is unset at / (the module's own requests go to this
virtual host, as doc/apache.md allows), so a request naming another host
-- in Host or as an absolute target -- would have the module send the
client's credentials there.  A recording server on another port counts
every request that reaches it: there must be none.
"""
import argparse
import base64
import http.client
import os
import re
import sys
import threading
import time
import uuid
import xml.dom.minidom
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenarios as S  # noqa: E402

T = S.T


class Recorder:
    """Answers everything 200 with an empty calendar and records it."""

    def __init__(self, port):
        seen = self.seen = []

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def answer(self):
                n = int(self.headers.get("Content-Length", "0") or 0)
                if n:
                    self.rfile.read(n)
                seen.append((self.command, self.path,
                             self.headers.get("Authorization")))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_PUT = do_PROPFIND = do_REPORT = do_DELETE = answer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), H)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class NoEtag:
    """A server that answers a task's GET with 200 and no ETag -- a fault
    no real server here produces -- takes the meeting's PUT (201), and
    records the PUTs."""

    def __init__(self, port):
        puts = self.puts = []

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                if "/tasks/" in self.path:
                    body = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN"
                            b"\r\nBEGIN:VTODO\r\nUID:x\r\nSUMMARY:owner's"
                            b"\r\nEND:VTODO\r\nEND:VCALENDAR\r\n")
                    self.send_response(200)
                    self.send_header("Content-Type", "text/calendar")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_PUT(self):
                n = int(self.headers.get("Content-Length", "0") or 0)
                self.rfile.read(n)
                puts.append(self.path)
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), H)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def basic(user, pw):
    return "Basic " + base64.b64encode(("%s:%s" % (user, pw)).encode()).decode()


def raw(base, method, target, body, headers):
    """One request with exactly this target and these headers (Host
    included), on a connection of its own."""
    u = S.urllib.parse.urlsplit(base)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    c.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
    for k, v in headers.items():
        c.putheader(k, v)
    c.putheader("Content-Length", str(len(body)))
    c.endheaders()
    c.send(body)
    r = c.getresponse()
    data = r.read()
    hs = {k.lower(): v for k, v in r.getheaders()}
    # the same connection: httpd runs log_transaction (the task writer)
    # before it reads the next request
    c.request("OPTIONS", "/", headers={"Host": u.netloc})
    c.getresponse().read()
    c.close()
    return S.Resp(r.status, hs, data)


def wait_for(pred, secs=30):
    """pred() once it holds, or its last value after secs: the module
    writes tasks from its delivery thread, after the response."""
    end = time.time() + secs
    while True:
        v = pred()
        if v or time.time() > end:
            return v
        time.sleep(0.2)


def log_since(path, mark):
    with open(path, "rb") as f:
        f.seek(mark)
        return f.read().decode("utf-8", "replace")


def size(path):
    return os.path.getsize(path)


def todos(e, col):
    """The VTODOs in Radicale's collection col (straight to Radicale)."""
    body = (b'<?xml version="1.0" encoding="utf-8"?>'
            b'<C:calendar-query xmlns:D="DAV:" '
            b'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/>'
            b'</D:prop><C:filter><C:comp-filter name="VCALENDAR">'
            b'<C:comp-filter name="VTODO"/></C:comp-filter></C:filter>'
            b'</C:calendar-query>')
    r = e.D.request("REPORT", col, body,
                    {"Content-Type": "application/xml", "Depth": "1"})
    return len(re.findall(rb"<[^/>]*getetag>", r.body))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--apache", required=True)
    ap.add_argument("--radicale", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--access-log", required=True)
    ap.add_argument("--rec-port", type=int, required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--noetag-port", type=int, required=True)
    a = ap.parse_args()
    rec = Recorder(a.rec_port)
    noetag = NoEtag(a.noetag_port)
    recorder = "127.0.0.1:%d" % a.rec_port
    apache = S.urllib.parse.urlsplit(a.apache).netloc
    A = S.Client(a.apache)
    D = S.Client(a.radicale)

    class E:
        pass
    e = E()
    e.D = D
    mk = (b'<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D='
          b'"DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>'
          b'<C:supported-calendar-component-set>%s'
          b'</C:supported-calendar-component-set></D:prop></D:set>'
          b'</C:mkcalendar>')
    ev = b'<C:comp name="VEVENT"/>'
    td = b'<C:comp name="VTODO"/>'
    made = [D.request("MKCALENDAR", p, mk % comps,
                      {"Content-Type": "application/xml"}).status
            for p, comps in (("/alice/cal/", ev + td), ("/alice/tasks/", td),
                             ("/alice/enforce/", ev),
                             ("/alice/my%20cal/", ev + td),
                             ("/alice/many/", ev),
                             ("/alice/manytasks/", td))]
    T.ok(made == [201] * len(made), "setup: calendars made in Radicale", made)

    try:
        # 0. a policy key of a later release: Apache started, one warning
        with open(a.log, encoding="utf-8", errors="replace") as f:
            start = f.read()
        T.ok(re.search(r"CS008 \S*enforce\.conf:3: \[rules\] rule-of-a-later-"
                       r"release: unknown rule, ignored", start),
             "policy: an unknown rule is a warning with file:line (CS008)",
             start[-1500:])

        # 1. no work before authentication
        uid = "wrongpw-%s@example.com" % uuid.uuid4()
        p = "/alice/enforce/%s.ics" % uid
        mark = size(a.log)
        r = raw(a.apache, "PUT", p, S.meeting(uid, goal=False),
                {"Host": apache, "Authorization": basic("alice", "WRONG"),
                 "Content-Type": "text/calendar", "If-None-Match": "*"})
        log = log_since(a.log, mark)
        T.eq(r.status, 401, "auth: wrong password, enforced rule broken: "
             "Radicale's 401, not calsteward's 403", r)
        T.ok("CS002" not in log and "CS001" not in log
             and re.search(r"CS007 %s: stored copy not read \(401"
                           % re.escape(p), log),
             "auth: the core did not run; the log says the copy was not "
             "read (401)", log[-1500:])
        for name in ("rrule-secondly-never.ics", "tz-secondly.ics"):
            with open(os.path.join(a.fixtures, name), "rb") as f:
                bomb = f.read()
            p = "/alice/cal/%s-%s" % (uuid.uuid4(), name)
            mark = size(a.log)
            r = raw(a.apache, "PUT", p, bomb,
                    {"Host": apache, "Authorization": basic("alice", "WRONG"),
                     "Content-Type": "text/calendar"})
            log = log_since(a.log, mark)
            T.ok(r.status == 401 and "CS001" not in log,
                 "auth: %s with a wrong password: 401, never parsed" % name,
                 r, log[-800:])

        # 2. nothing derived from Host or an absolute target
        mark = size(a.log)
        r = raw(a.apache, "PUT", "/internal/admin/delete-everything?confirm=yes",
                S.meeting("ssrf-%s@example.com" % uuid.uuid4()),
                {"Host": recorder, "Authorization": basic("alice", "WRONG"),
                 "Content-Type": "text/calendar"})
        T.eq(rec.seen, [], "host: Host names another port, wrong password: "
             "nothing reaches it", r)
        uid = "host-%s@example.com" % uuid.uuid4()
        past = (S.NOW - S.dt.timedelta(days=2)).replace(minute=0, second=0)
        due = (past + S.dt.timedelta(days=10)).strftime("%Y-%m-%d")
        minutes = ("Action items:\\n- Send the final budget — Bob — %s — "
                   "spreadsheet on the drive — high\\n" % due)
        before = todos(e, "/alice/tasks/")
        r = raw(a.apache, "PUT", "/alice/cal/%s.ics" % uid,
                S.meeting(uid, start=past, minutes=minutes),
                {"Host": recorder, "Authorization": S.auth("alice"),
                 "Content-Type": "text/calendar", "If-None-Match": "*"})
        g = D.request("GET", "/alice/cal/%s.ics" % uid)
        T.ok(r.status == 201 and S.SCHEMA.encode() in g.body,
             "host: Host names another port, good password: stored and "
             "processed", r, g)
        T.eq(rec.seen, [], "host: ... and nothing reaches that port")
        T.ok(wait_for(lambda: todos(e, "/alice/tasks/") > before),
             "host: the tasks went to this virtual host (Radicale has them)")
        # absolute-form target naming the recorder, of a meeting Radicale
        # holds without a goal: counted as new, so the enforced rule holds
        uid = "abs-%s@example.com" % uuid.uuid4()
        p = "/alice/enforce/%s.ics" % uid
        S.put(D, p, S.meeting(uid, goal=False))
        r = raw(a.apache, "PUT", "http://%s%s" % (recorder, p),
                S.meeting(uid, goal=False),
                {"Host": recorder, "Authorization": S.auth("alice"),
                 "Content-Type": "text/calendar"})
        T.eq(r.status, 403, "absolute: an absolute target counts as a new "
             "meeting: the enforced rule rejects", r)
        T.eq(rec.seen, [], "absolute: nothing reaches the host it names")

        # 3. same-collection: a collection whose name needs escaping
        uid = "space-%s@example.com" % uuid.uuid4()
        r = S.put(A, "/alice/my%%20cal/%s.ics" % uid,
                  S.meeting(uid, start=past, minutes=minutes),
                  headers={"If-None-Match": "*"})
        A.request("OPTIONS", "/")
        T.ok(r.status == 201
             and wait_for(lambda: todos(e, "/alice/my%20cal/") >= 1),
             "same-collection: tasks beside a meeting in \"my cal\"", r)
        # a second meeting there: the task collection found for the first
        # is remembered (CS_FOUND_TTL_S), not discovered again
        uid = "space2-%s@example.com" % uuid.uuid4()
        r = S.put(A, "/alice/my%%20cal/%s.ics" % uid,
                  S.meeting(uid, start=past, minutes=minutes),
                  headers={"If-None-Match": "*"})
        A.request("OPTIONS", "/")
        got = wait_for(lambda: todos(e, "/alice/my%20cal/") >= 2)

        def propfinds():
            with open(a.access_log, encoding="utf-8", errors="replace") as f:
                return [ln for ln in f
                        if '"PROPFIND /alice/my%20cal/ ' in ln]
        T.ok(r.status == 201 and got and len(propfinds()) == 1,
             "same-collection: the second save's tasks go to the collection "
             "found for the first, without a second discovery", propfinds())

        # 4. at most 50 tasks written for one meeting, the rest logged
        uid = "many-%s@example.com" % uuid.uuid4()
        items = "".join("- Task %d — Bob — %s — sheet %d — low\\n" % (i, due, i)
                        for i in range(60))
        mark = size(a.log)
        r = S.put(A, "/alice/many/%s.ics" % uid,
                  S.meeting(uid, start=past,
                            minutes="Action items:\\n" + items),
                  headers={"If-None-Match": "*"})
        n = wait_for(lambda: todos(e, "/alice/manytasks/") >= 50 and
                     todos(e, "/alice/manytasks/"))
        time.sleep(1)  # nothing more arrives
        n = todos(e, "/alice/manytasks/")
        log = log_since(a.log, mark)
        T.ok(r.status == 201 and n == 50 and re.search(
            r"CS014 /alice/many/%s\.ics: \d+ tasks, the first 50 written"
            % re.escape(uid), log),
             "cap: a meeting with 60 action items: CS014, the first 50 "
             "written", r, "%d tasks" % n, log[-1000:])

        # 5. the 403 body is XML even when the UID holds control characters
        uid = "ctl-\x0b\x01-%s@example.com" % uuid.uuid4()
        p = "/alice/enforce/%s.ics" % uuid.uuid4()
        r = S.put(A, p, S.meeting(uid, goal=False),
                  headers={"If-None-Match": "*"})
        try:
            xml.dom.minidom.parseString(r.body)
            parsed = True
        except Exception:  # noqa: BLE001
            parsed = False
        T.ok(r.status == 403 and parsed,
             "xml: a UID with control characters: 403, the body parses", r)
        T.eq(rec.seen, [], "recorder: no request reached it at all")

        # 6. a task whose stored copy has no ETag is left alone, never
        # overwritten without a condition
        uid = "noetag-%s@example.com" % uuid.uuid4()
        mark = size(a.log)
        r = S.put(A, "/noetag/cal/%s.ics" % uid,
                  S.meeting(uid, start=past, minutes=minutes))
        wait_for(lambda: "no ETag; left alone" in log_since(a.log, mark))
        log = log_since(a.log, mark)
        task_puts = [p for p in noetag.puts if "/tasks/" in p]
        T.ok(r.status == 201 and task_puts == []
             and "no ETag; left alone" in log,
             "etag: a task GET without an ETag: no PUT, CS013 says why",
             r, noetag.puts, log[-800:])
    finally:
        rec.stop()
        noetag.stop()
        T.done()
    return 1 if T.failed else 0


if __name__ == "__main__":
    sys.exit(main())
