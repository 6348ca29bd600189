#!/usr/bin/env python3
"""delivery.py -- tasks delivered until they land (TAP; started by
test-plugin-delivery.sh).

Apache + mod_calsteward proxy the clients' PUTs straight to Radicale,
while the module's own requests (CalStewardBackend) go through
tests/sweep/faultproxy.py, started and stopped here: N meetings with
minutes are saved over 8 keep-alive connections, and a third of the way
in the proxy is killed for OUTAGE seconds (connections refused: what a
backend restart looks like to the module), then started again on the
same port.  Every stored meeting's action item must arrive, once; every
PUT the module sent must be conditional.
"""
import argparse
import os
import re
import subprocess
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenarios as S  # noqa: E402

T = S.T


def start_proxy(a):
    return subprocess.Popen(
        [sys.executable, a.faultproxy, "--port", str(a.proxy_port),
         "--upstream", a.radicale, "--log", a.proxy_log],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_port(port, secs=20):
    import socket
    end = time.time() + secs
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def action_items(D):
    body = (b'<?xml version="1.0" encoding="utf-8"?>'
            b'<C:calendar-query xmlns:D="DAV:" '
            b'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop>'
            b'<C:calendar-data/></D:prop><C:filter><C:comp-filter '
            b'name="VCALENDAR"><C:comp-filter name="VTODO"/></C:comp-filter>'
            b'</C:filter></C:calendar-query>')
    r = D.request("REPORT", "/alice/tasks/", body,
                  {"Content-Type": "application/xml", "Depth": "1"})
    text = S.unfold(r.body.decode("utf-8", "replace").replace("&#13;", ""))
    return re.findall(r"SUMMARY:Deliver item ([0-9a-f-]+)", text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--apache", required=True)
    ap.add_argument("--radicale", required=True)
    ap.add_argument("--proxy-port", type=int, required=True)
    ap.add_argument("--proxy-log", required=True)
    ap.add_argument("--faultproxy", required=True)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--outage", type=float, default=10)
    a = ap.parse_args()
    D = S.Client(a.radicale)
    for p, comps in (("/alice/cal/", ["VEVENT"]), ("/alice/tasks/", ["VTODO"])):
        body = ('<?xml version="1.0" encoding="utf-8"?><C:mkcalendar '
                'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
                '<D:set><D:prop><C:supported-calendar-component-set>%s'
                '</C:supported-calendar-component-set></D:prop></D:set>'
                '</C:mkcalendar>' % "".join('<C:comp name="%s"/>' % c
                                             for c in comps)).encode()
        D.request("MKCALENDAR", p, body, {"Content-Type": "application/xml"})
    proxy = start_proxy(a)
    T.ok(wait_port(a.proxy_port), "setup: the fault proxy listens")

    past = (S.NOW - S.dt.timedelta(days=2)).replace(minute=0, second=0)
    due = (past + S.dt.timedelta(days=10)).strftime("%Y-%m-%d")
    names = [str(uuid.uuid4()) for _ in range(a.n)]
    stored, lock = [], threading.Lock()
    it = iter(range(a.n))
    outage = threading.Event()

    def worker():
        c = S.Client(a.apache)
        while True:
            with lock:
                k = next(it, None)
            if k is None:
                break
            if k == a.n // 3:
                outage.set()
            uid = "deliver-%s@example.com" % names[k]
            minutes = ("Action items:\\n- Deliver item %s \u2014 Bob \u2014 %s "
                       "\u2014 a report \u2014 high\\n" % (names[k], due))
            r = S.put(c, "/alice/cal/%s.ics" % uid,
                      S.meeting(uid, start=past, minutes=minutes),
                      headers={"If-None-Match": "*"})
            if r.status in (200, 201, 204):
                with lock:
                    stored.append(names[k])
        c.close()

    def fault():
        outage.wait(120)
        proxy.kill()
        proxy.wait()
        time.sleep(a.outage)

    ft = threading.Thread(target=fault)
    ft.start()
    ths = [threading.Thread(target=worker) for _ in range(8)]
    t0 = time.time()
    for t in ths:
        t.start()
    for t in ths:
        t.join()
    saved = time.time() - t0
    ft.join()
    proxy = start_proxy(a)
    back = wait_port(a.proxy_port)
    T.ok(len(stored) == a.n and back,
         "load: %d of %d meetings stored over 8 connections (%.1f s) while "
         "the module's backend was gone for %.0f s" % (len(stored), a.n,
                                                      saved, a.outage))
    got = []
    end = time.time() + 150
    while time.time() < end:
        got = action_items(D)
        if set(got) >= set(stored):
            break
        time.sleep(1)
    missing = set(stored) - set(got)
    T.ok(not missing, "delivery: every stored meeting's action item arrived "
         "(%d of %d)" % (len(set(got) & set(stored)), len(stored)),
         "missing: %s" % sorted(missing)[:10])
    time.sleep(2)
    got = action_items(D)
    dup = {x for x in got if got.count(x) > 1}
    T.ok(not dup and len(got) == len(set(got)),
         "delivery: none doubled (%d tasks for %d meetings)"
         % (len(got), len(stored)), sorted(dup)[:10])
    proxy.kill()
    proxy.wait()
    with open(a.proxy_log, encoding="utf-8") as f:
        log = [ln.split() for ln in f]
    lines = [ln for ln in log if len(ln) > 2 and ln[1] == "PUT"]
    gets = [ln for ln in log if len(ln) > 2 and ln[1] == "GET"
            and ln[2].startswith("/alice/tasks/")]
    reports = [ln for ln in log if len(ln) > 2 and ln[1] == "REPORT"
               and ln[2].startswith("/alice/tasks/")]
    T.ok(reports and not gets,
         "multiget: the existing tasks read with one calendar-multiget a "
         "meeting (%d REPORTs), no GET each (%d)" % (len(reports), len(gets)),
         gets[:5])
    bare = [ln for ln in lines if "if-match=1" not in ln
            and "if-none-match=1" not in ln]
    T.ok(lines and not bare, "conditional: every PUT the module sent carried "
         "If-Match or If-None-Match (%d PUTs)" % len(lines), bare[:5])
    T.done()
    return 1 if T.failed else 0


if __name__ == "__main__":
    sys.exit(main())
