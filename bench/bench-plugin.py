#!/usr/bin/python3
"""bench-plugin.py -- the client half of bench/bench-plugin.sh.

Sends the same requests to an Apache with mod_calsteward and to the same
Apache without it, over one keep-alive connection each (http.client),
and reports per-request latency: median, p90, p99 and the ratios
module / plain per method and backend.  Python standard library only;
traffic goes to the URLs in --instances (127.0.0.1) and nowhere else.

Pairs ("groups"):
  radicale  rad-mod vs rad-plain, request by request: i-th request to one,
            then the i-th to the other; which goes first alternates per
            round, so load bursts hit both alike;
  tasks     rad-tasks vs rad-plain, block by block (all N of one, then all
            N of the other): the task writes run after each response and
            delay the next request on the connection, which a
            request-by-request interleave would hand to the other side;
  davfs     fs-mod vs fs-plain (mod_dav_fs), request by request.
Methods:
  PUT     create: a new UID, If-None-Match: * (how Thunderbird, Apple
          Calendar and DAVx5 create events): the core runs once;
  PUT-upd the same resource again without If-None-Match: the module reads
          the stored copy from the backend (one GET) and runs the core twice;
  PUT-eq  as PUT, but the plain side gets the bytes the module stores (the
          invite as processed, about twice as large): both backends store
          the same object, so the ratio is the module's own request-path
          cost without the backend's cost of a larger object;
  GET     the resources just stored;
  REPORT  calendar-query (VEVENT, a time range; getetag) on a fixed
          calendar of 20 events (Radicale only).
Every round stores into fresh collections, so both sides of a pair see
collections of the same sizes.
"""
import argparse
import base64
import http.client
import statistics
import sys
import time
import urllib.parse

AUTH = "Basic " + base64.b64encode(b"alice:alice-pw").decode()
QUERY_EVENTS = 20

REPORT_BODY = b"""<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="20230601T000000Z" end="20230701T000000Z"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>
"""
MKTASKS_BODY = b"""<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:set><D:prop><C:supported-calendar-component-set>
    <C:comp name="VTODO"/>
  </C:supported-calendar-component-set></D:prop></D:set>
</C:mkcalendar>
"""
MKCALENDAR_BODY = (b'<?xml version="1.0" encoding="utf-8"?>'
                   b'<C:mkcalendar xmlns:D="DAV:" '
                   b'xmlns:C="urn:ietf:params:xml:ns:caldav"/>')


class Instance:
    def __init__(self, name, url):
        self.name = name
        u = urllib.parse.urlsplit(url)
        assert u.hostname == "127.0.0.1", url
        self.host, self.port = u.hostname, u.port
        self.conn = http.client.HTTPConnection(self.host, self.port,
                                               timeout=60)
        self.bad = {}     # method -> [count, first status seen]

    def request(self, method, path, body=None, headers=None):
        """(status, seconds): the whole exchange, body read."""
        h = {"Authorization": AUTH}
        if headers:
            h.update(headers)
        t0 = time.perf_counter_ns()
        try:
            self.conn.request(method, path, body, h)
            r = self.conn.getresponse()
            r.read()
        except (http.client.HTTPException, OSError):
            # a closed keep-alive connection: once more on a new one
            self.conn.close()
            t0 = time.perf_counter_ns()
            self.conn.request(method, path, body, h)
            r = self.conn.getresponse()
            r.read()
        return r.status, (time.perf_counter_ns() - t0) / 1e9


def invite(template, uid):
    return template.replace("@UID@", uid).encode("utf-8")


def load_template(path):
    text = open(path, encoding="utf-8").read().replace("\r\n", "\n")
    out = []
    for line in text.split("\n"):
        if line.startswith("UID:"):
            line = "UID:@UID@"
        elif line.startswith("ORGANIZER"):
            # the Basic user must be the organizer for the module to act
            line = line.split(":mailto:")[0] + ":mailto:alice@example.com"
        out.append(line)
    return "\r\n".join(out).rstrip("\r\n") + "\r\n"


def pct(xs, p):
    xs = sorted(xs)
    k = (len(xs) - 1) * p
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


class Group:
    def __init__(self, name, a, b, kind, methods, interleave):
        self.name, self.a, self.b = name, a, b
        self.kind = kind                  # radicale | davfs
        self.methods = methods
        self.interleave = interleave      # request | block
        # samples[method][side] = [seconds...]; per round medians
        self.samples = {m: {"A": [], "B": []} for m in methods}
        self.rounds = {m: [] for m in methods}   # [(medA, medB)]
        self.pairs = {m: [] for m in methods}    # A_i - B_i, paired

    def collection(self, inst, rnd):
        if self.kind == "radicale":
            return "/alice/%s-%s-r%s/" % (self.name, inst.name, rnd)
        return "/%s-r%s/" % (self.name, rnd)

    def setup_round(self, rnd):
        for inst in (self.a, self.b):
            path = self.collection(inst, rnd)
            if self.kind == "radicale":
                st, _ = inst.request("MKCALENDAR", path, MKCALENDAR_BODY,
                                     {"Content-Type": "application/xml"})
            else:
                st, _ = inst.request("MKCOL", path)
            if st != 201:
                sys.exit("bench-plugin: %s %s: MKCALENDAR/MKCOL -> %d"
                         % (inst.name, path, st))

    def one(self, inst, method, rnd, i, template):
        if isinstance(template, dict):
            template = template[method] if inst is self.b else template[""]
        coll = self.collection(inst, rnd)
        uid = "bench-%s-%s-r%s-%d%s@example.com" % (
            self.name, inst.name, rnd, i, "-eq" if method == "PUT-eq" else "")
        path = coll + uid.split("@")[0] + ".ics"
        ct = {"Content-Type": "text/calendar; charset=utf-8"}
        if method in ("PUT", "PUT-eq"):
            ct["If-None-Match"] = "*"
            st, s = inst.request("PUT", path, invite(template, uid), ct)
            ok = st == 201
        elif method == "PUT-upd":
            st, s = inst.request("PUT", path, invite(template, uid), ct)
            ok = st in (201, 204)
        elif method == "GET":
            st, s = inst.request("GET", path)
            ok = st == 200
        else:
            st, s = inst.request("REPORT", "/alice/query/", REPORT_BODY,
                                 {"Content-Type": "application/xml",
                                  "Depth": "1"})
            ok = st == 207
        if not ok:
            b = inst.bad.setdefault(method, [0, st])
            b[0] += 1
        return s

    def run_round(self, rnd, n, template, record=True):
        self.setup_round(rnd)
        first_a = rnd == "w" or rnd % 2 == 0
        order = [("A", self.a), ("B", self.b)]
        if not first_a:
            order.reverse()
        for m in self.methods:
            got = {"A": [], "B": []}
            count = n if m != "REPORT" else max(1, n // 2)
            if self.interleave == "request":
                for i in range(count):
                    for side, inst in order:
                        got[side].append(self.one(inst, m, rnd, i, template))
            else:
                for side, inst in order:
                    for i in range(count):
                        got[side].append(self.one(inst, m, rnd, i, template))
                    time.sleep(0.5)   # let the last task writes finish
            if record:
                for side in "AB":
                    self.samples[m][side].extend(got[side])
                self.rounds[m].append((statistics.median(got["A"]),
                                       statistics.median(got["B"])))
                self.pairs[m].extend(a - b for a, b in zip(got["A"],
                                                           got["B"]))

    def report(self):
        print("\n## %s: %s (A, module) vs %s (B, plain), interleaved by %s"
              % (self.name, self.a.name, self.b.name, self.interleave))
        print("%-8s %5s | %8s %8s %8s | %8s %8s %8s | %6s %6s %6s | %s"
              % ("method", "n", "A med", "A p90", "A p99", "B med", "B p90",
                 "B p99", "med", "p90", "p99", "per-round med ratio "
                 "[min-max]; paired A-B med"))
        for m in self.methods:
            a, b = self.samples[m]["A"], self.samples[m]["B"]
            if not a:
                continue
            ra = [x / y for x, y in self.rounds[m]]
            qa = [pct(a, p) * 1e3 for p in (0.5, 0.9, 0.99)]
            qb = [pct(b, p) * 1e3 for p in (0.5, 0.9, 0.99)]
            print("%-8s %5d | %8.3f %8.3f %8.3f | %8.3f %8.3f %8.3f | "
                  "%6.3f %6.3f %6.3f | %.3f [%.3f-%.3f]; %+.3f ms"
                  % (m, len(a), *qa, *qb, qa[0] / qb[0], qa[1] / qb[1],
                     qa[2] / qb[2], statistics.median(ra), min(ra), max(ra),
                     statistics.median(self.pairs[m]) * 1e3))
        for inst in (self.a, self.b):
            for m, (cnt, st) in inst.bad.items():
                print("# %s %s: %d unexpected statuses (first %d)"
                      % (inst.name, m, cnt, st))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--instances", required=True)
    ap.add_argument("--invite", required=True)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    inst = {}
    for line in open(args.instances):
        name, url = line.split()
        inst[name] = Instance(name, url)
    template = load_template(args.invite)

    # the REPORT target: a fixed calendar of 20 events, stored directly
    plain = inst["rad-plain"]
    plain.request("MKCALENDAR", "/alice/query/", MKCALENDAR_BODY,
                  {"Content-Type": "application/xml"})
    for i in range(QUERY_EVENTS):
        uid = "query-%d@example.com" % i
        st, _ = plain.request("PUT", "/alice/query/query-%d.ics" % i,
                              invite(template, uid),
                              {"Content-Type": "text/calendar"})
        if st not in (201, 204):
            sys.exit("bench-plugin: storing the REPORT calendar: %d" % st)

    # where the module puts its tasks (CalStewardTasks /{user}/tasks/)
    st, _ = plain.request("MKCALENDAR", "/alice/tasks/", MKTASKS_BODY,
                          {"Content-Type": "application/xml"})
    if st != 201:
        sys.exit("bench-plugin: MKCALENDAR /alice/tasks/: %d" % st)

    # the invite as the module stores it, for PUT-eq's plain side
    mod = inst["rad-mod"]
    mod.request("MKCALENDAR", "/alice/processed/", MKCALENDAR_BODY,
                {"Content-Type": "application/xml"})
    mod.request("PUT", "/alice/processed/p.ics", invite(template, "p@x"),
                {"Content-Type": "text/calendar; charset=utf-8",
                 "If-None-Match": "*"})
    mod.conn.request("GET", "/alice/processed/p.ics", None,
                     {"Authorization": AUTH})
    stored = mod.conn.getresponse().read().decode("utf-8")
    if "STRUCTURED-DATA" not in stored:
        sys.exit("bench-plugin: the module did not process the invite")
    processed = stored.replace("UID:p@x", "UID:@UID@")
    print("# invite: %d bytes as sent, %d as the module stores it"
          % (len(invite(template, "x")), len(invite(processed, "x"))))
    templates = {"": template, "PUT-eq": processed, "PUT": template,
                 "PUT-upd": template, "GET": template, "REPORT": template}

    groups = [Group("radicale", inst["rad-mod"], plain, "radicale",
                    ["PUT", "PUT-eq", "PUT-upd", "GET", "REPORT"],
                    "request"),
              Group("davfs", inst["fs-mod"], inst["fs-plain"], "davfs",
                    ["PUT", "PUT-eq", "PUT-upd", "GET"], "request")]
    if "rad-tasks" in inst:
        groups.append(Group("tasks", inst["rad-tasks"], plain, "radicale",
                            ["PUT", "GET"], "block"))
    print("# %d requests per method and side per round (REPORT: %d), "
          "%d rounds after a warm-up round; latency in ms, whole exchange "
          "on a keep-alive connection" % (args.n, max(1, args.n // 2),
                                          args.rounds))
    t0 = time.monotonic()
    for g in groups:
        g.run_round("w", min(30, args.n), templates, record=False)
        for inst_ in (g.a, g.b):
            inst_.bad.clear()
        for r in range(args.rounds):
            g.run_round(r, args.n, templates)
        g.report()
        sys.stdout.flush()
    print("\n# ratios: A / B of the pooled quantiles; per-round: A median / "
          "B median of each round; paired: median of A_i - B_i "
          "(%.0f s in all)" % (time.monotonic() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
