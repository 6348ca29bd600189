#!/usr/bin/python3
"""davtool.py -- a CalDAV client for the sweep tests (python3-caldav).

Run with Debian's /usr/bin/python3 (python3-caldav, python3-requests).
URL is the server's base (http://127.0.0.1:PORT/); CAL, PATH and HREF are
paths on it (/alice/calendar/) or absolute URLs.  USER and PW are sent as
Basic credentials on every request, up front (Xandikos ignores them).
Every command prints JSON or one line per object on stdout and exits 0 on
success, 1 when the server refused (the status is printed), 2 on bad
usage.

  seed URL USER PW CAL FILE.ics...
        PUT each file as CAL/<UID>.ics (UID read from the file; the file
        name when it has none).  Prints "HREF STATUS ETAG" per file.
        --if-none-match: only create (412 when it exists).

  seed-generated URL USER PW CAL --events N --tasks M --start ISO
                 --span-days D [--now ISO] [--seed S] [--via http|fs]
                 [--storage DIR] [--organizer ADDR] [--manifest FILE]
                 [--tasks-cal CAL]
        Generates N meetings spread evenly over D days from --start
        (ORGANIZER = --organizer, default USER@example.com when USER has
        no "@"; 3-6 ATTENDEEs; a DESCRIPTION with Goal, Agenda items in
        the formats of doc/meeting-text.md, sometimes Materials; meetings
        that ended before --now [the current time] also carry Minutes
        with Decisions, Action items -- list lines, pipe tables, ACTION:
        and the Chinese sentence form, in turn -- and Next meeting), half
        of them in Asia/Shanghai with a VTIMEZONE, half in UTC; one in 20
        is recurring weekly (COUNT=4).  And M calsteward-like VTODOs
        (X-CALSTEWARD-KIND agenda/materials/minutes/action-item,
        RELATED-TO a generated meeting, DUE spread over the same days,
        every fourth COMPLETED) into --tasks-cal (default CAL).  All
        deterministic for one --seed [1].  Object names: CAL/gen-ev-NNNNN.ics
        and CAL/gen-todo-NNNNN.ics; UIDs gen-ev-NNNNN@calsteward.test and
        gen-todo-NNNNN@calsteward.test.
        --via http (default): PUTs (http.client; Radicale 3.1 answers
          HTTP/1.0, so one connection a PUT).  Fine for a few hundred
          objects; not for thousands on Radicale: each PUT that adds an
          item rescans the collection's item cache, so PUTs slow down as
          the collection grows (~50 ms each at 700 items: 10 000 would
          take many minutes).  Xandikos makes a git commit per PUT.
        --via fs --storage DIR (Radicale only; DIR is its
          filesystem_folder, $SW_RADICALE_STORAGE): writes the files
          straight into DIR/collection-root/USER/CAL/*.ics (creating the
          collection with its .Radicale.props when missing: --components
          [VEVENT,VTODO]) under Radicale's storage lock
          (DIR/.Radicale.lock, exclusive), so a running Radicale never
          sees half a write, and no restart is needed (Radicale lists the
          folder on every request).  Then it builds Radicale's item cache
          (.Radicale.cache) with Radicale's own code in --jobs worker
          processes (shared lock), because a cold cache makes the first
          REPORT/PROPFIND parse every object inside that one request
          (~10 ms an object: 10 000 = longer than any client timeout).
          10 000 meetings + 500 tasks: ~2 s to write, ~70 s in all with
          the cache on 2 CPUs; --no-warm skips the cache.  Even warm,
          Radicale 3.1 needs ~40 s for one PROPFIND Depth 1 or REPORT
          over 10 000 objects (~4 ms an object, CPU-bound: tmpfs does
          not help) -- allow for it in timeouts.
        Prints one JSON object: {"events", "tasks", "past", "recurring",
        "seconds", "via"[, "cached"]}; --manifest FILE writes one JSON object per
        line per object: href, uid, kind (event|todo), dtstart, dtend,
        past, actions (the number of action items in its minutes).

  warm URL USER PW CAL
        PROPFIND Depth 1 for getetag (makes Radicale build its cache
        when seed-generated --no-warm left it cold); prints {"objects":
        N, "seconds": S}.  dump, todos and warm wait up to 600 s.

  dump URL USER PW CAL
        JSON list of every object: {"href", "etag", "data"} (sorted by
        href; a calendar-query REPORT, so "data" has the LF line ends of
        XML, not the stored CRLF -- use `get` for the exact bytes).

  todos URL USER PW CAL
        JSON list of the VTODOs, sorted by UID: {"href", "etag", "uid",
        "summary", "due", "due-params", "dtstart", "status",
        "categories" (a list, every CATEGORIES value), "priority",
        "percent-complete", "completed", "organizer", "attendee" (a
        list), "related-to", "x-calsteward-kind", "x-calsteward-state",
        "x-calsteward-occurrence", "description"}.  Values are the text
        as stored (unescaped), null when absent; due-params is a dict
        of DUE's parameters ({"VALUE": "DATE"}).

  get URL USER PW HREF
        {"status", "etag", "data"} of one object (the exact text).

  edit URL USER PW HREF [--set-prop NAME VALUE]... [--del-prop NAME]...
                        [--append-prop NAME VALUE]... [--no-if-match]
        A client's edit: GET, change content lines of the first
        VEVENT/VTODO (NAME may carry parameters: "DUE;VALUE=DATE"; VALUE
        is written as given, so escape , ; \\ yourself; a --set-prop
        replaces the first line of that property name and drops its
        repeats, or adds one before END: or a nested BEGIN:), PUT back
        with If-Match of the ETag it got (unless --no-if-match).
        Nothing else of the object changes (line ends, folding and
        order of the other lines stay byte for byte).
        Prints {"status", "etag"}; exits 1 unless 2xx.

  complete URL USER PW HREF [--at ISO]
        As a task client: STATUS:COMPLETED, PERCENT-COMPLETE:100,
        COMPLETED and LAST-MODIFIED (--at, default now, UTC), PUT with
        If-Match.  Prints {"status", "etag"}.

  delete URL USER PW HREF
        DELETE; prints {"status"}.

  mkcal URL USER PW PATH [--components VEVENT,VTODO] [--name NAME]
        MKCALENDAR with displayname and supported-calendar-component-set.
        Prints {"status"}; exits 0 on 201 (and on 405 with --exist-ok).
"""
import argparse
import base64
import datetime as dt
import fcntl
import http.client
import json
import os
import random
import re
import sys
import time
import urllib.parse
from xml.sax.saxutils import escape

import caldav
import requests
from caldav.elements import cdav, dav



# ---- connection ------------------------------------------------------------

def abs_url(base, path):
    return urllib.parse.urljoin(base, path)


def client(args):
    return caldav.DAVClient(
        args.url, username=args.user, password=args.pw,
        auth=requests.auth.HTTPBasicAuth(args.user, args.pw), timeout=600)


def check(resp, ok=(200, 201, 204, 207)):
    if resp.status not in ok:
        sys.stderr.write("davtool: HTTP %d %s\n" % (resp.status,
                                                  resp.reason or ""))
        return False
    return True


def out(obj):
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


class Raw:
    """Keep-alive http.client connection with preemptive Basic auth."""

    def __init__(self, base, user, pw):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port or 80
        self.auth = "Basic " + base64.b64encode(
            ("%s:%s" % (user, pw)).encode()).decode()
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        h = {"Authorization": self.auth}
        h.update(headers or {})
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port,
                                                       timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read()
                if r.will_close:
                    self.conn.close()
                    self.conn = None
                return r.status, r.getheader("ETag"), data
            except (ConnectionError, http.client.RemoteDisconnected):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise


# ---- iCalendar content lines (no re-serialisation) -------------------------

def unfold(text):
    return re.sub(r"\r?\n[ \t]", "", text).splitlines()


def split_line(line):
    """NAME, {PARAM: value}, VALUE of one unfolded content line."""
    i, q = 0, False
    while i < len(line):
        c = line[i]
        if c == '"':
            q = not q
        elif c == ":" and not q:
            break
        i += 1
    head, value = line[:i], line[i + 1:]
    parts = re.findall(r'(?:[^;"]|"[^"]*")+', head)
    name = parts[0].upper() if parts else ""
    params = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        params[k.upper()] = v.strip('"')
    return name, params, value


def unescape(v):
    return re.sub(r"\\([\\;,nN])",
                  lambda m: "\n" if m.group(1) in "nN" else m.group(1), v)


def split_list(v):
    return [unescape(x).strip() for x in re.split(r"(?<!\\),", v)
            if x.strip()]


def components(text, kind):
    """Property lists ([(name, params, value)]) of each `kind` component
    (nested components such as VALARM left out)."""
    found, cur, depth = [], None, 0
    for line in unfold(text):
        name, params, value = split_line(line)
        if name == "BEGIN":
            if cur is not None:
                depth += 1
            elif value.upper() == kind:
                cur, depth = [], 0
            continue
        if name == "END":
            if cur is not None:
                if depth == 0:
                    found.append(cur)
                    cur = None
                else:
                    depth -= 1
            continue
        if cur is not None and depth == 0:
            cur.append((name, params, value))
    return found


def fold(line):
    b = line.encode("utf-8")
    if len(b) <= 75:
        return line
    out, cur, limit = [], b"", 75
    for ch in line:
        e = ch.encode("utf-8")
        if len(cur) + len(e) > limit:
            out.append(cur.decode("utf-8"))
            cur, limit = b"", 74
        cur += e
    out.append(cur.decode("utf-8"))
    return "\r\n ".join(out)


def edit_text(text, sets=(), dels=(), appends=()):
    """Changes the first VEVENT/VTODO's content lines; keeps the rest of
    the object byte for byte (folding, order, line ends)."""
    nl = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(nl)
    # physical line ranges of logical lines
    logical, i = [], 0
    while i < len(lines):
        j = i + 1
        while j < len(lines) and lines[j][:1] in (" ", "\t"):
            j += 1
        logical.append((i, j, "".join(l[1:] if k > i else l
                                      for k, l in enumerate(lines[i:j], i))))
        i = j
    start = end = None
    depth = 0
    for idx, (a, b, ln) in enumerate(logical):
        u = ln.upper()
        if start is None and u in ("BEGIN:VEVENT", "BEGIN:VTODO"):
            start = idx
            continue
        if start is not None:
            if u.startswith("BEGIN:"):
                depth += 1
            elif u.startswith("END:"):
                if depth == 0:
                    end = idx
                    break
                depth -= 1
    if start is None or end is None:
        raise SystemExit("davtool: no VEVENT/VTODO to edit")

    def pname(s):
        return re.split(r"[;:]", s, 1)[0].upper()

    keep = []
    depth = 0
    replaced = set()
    set_names = {pname(n): (n, v) for n, v in sets}
    del_names = {pname(n) for n in dels}
    for idx in range(start + 1, end):
        a, b, ln = logical[idx]
        u = ln.upper()
        if u.startswith("BEGIN:"):
            depth += 1
        elif u.startswith("END:"):
            depth -= 1
        elif depth == 0:
            n = pname(ln)
            if n in del_names:
                continue
            if n in set_names:
                if n in replaced:
                    continue
                replaced.add(n)
                nm, v = set_names[n]
                keep.append(fold("%s:%s" % (nm, v)))
                continue
        keep.append(nl.join(lines[a:b]))
    extra = [fold("%s:%s" % (nm, v)) for n, (nm, v) in set_names.items()
             if n not in replaced]
    extra += [fold("%s:%s" % (n, v)) for n, v in appends]
    # nested components (VALARM) stay where they were: insert the new
    # lines before the first nested BEGIN, else before END
    pos = next((k for k, l in enumerate(keep)
                if l.upper().startswith("BEGIN:")), len(keep))
    keep[pos:pos] = extra
    head = nl.join(nl.join(lines[a:b]) for a, b, _ in logical[:start + 1])
    tail = nl.join(nl.join(lines[a:b]) for a, b, _ in logical[end:])
    return nl.join([head] + keep + [tail])


def utc_stamp(t=None):
    t = t or dt.datetime.now(dt.timezone.utc)
    return t.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def parse_iso(s):
    t = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return t


# ---- commands --------------------------------------------------------------

def uid_of(text):
    for line in unfold(text):
        name, _, value = split_line(line)
        if name == "UID":
            return value
    return None


def safe_name(uid):
    return re.sub(r"[^A-Za-z0-9@._-]", "_", uid)[:200] + ".ics"


def cmd_seed(args):
    raw = Raw(args.url, args.user, args.pw)
    cal = urllib.parse.urlsplit(abs_url(args.url, args.cal)).path
    if not cal.endswith("/"):
        cal += "/"
    rc = 0
    for f in args.files:
        with open(f, "rb") as fh:
            body = fh.read()
        uid = uid_of(body.decode("utf-8"))
        name = safe_name(uid) if uid else os.path.basename(f)
        href = cal + urllib.parse.quote(name)
        h = {"Content-Type": "text/calendar; charset=utf-8"}
        if args.if_none_match:
            h["If-None-Match"] = "*"
        st, etag, _ = raw.request("PUT", href, body, h)
        print("%s %d %s" % (href, st, etag or "-"))
        if st not in (200, 201, 204):
            rc = 1
    return rc


PEOPLE = [("Li Si", "lisi"), ("Wang Wu", "wangwu"), ("Zhao Liu", "zhaoliu"),
          ("Sun Qi", "sunqi"), ("Zhou Ba", "zhouba"), ("Wu Jiu", "wujiu"),
          ("Zheng Shi", "zhengshi"), ("Chen Yi", "chenyi"),
          ("王五", "wangwu2"), ("Maria Lopez", "mlopez")]
TOPICS = ["Review of last action items", "Q3 budget split", "Hiring plan",
          "Release checklist", "Vendor contract renewal", "Office move",
          "Customer escalations", "Roadmap for H2", "市场推广预算分配方案讨论",
          "Security audit findings", "AOB"]
TASKS = ["Send the revised budget", "Draft the hiring plan",
         "Book the venue", "Update the release notes",
         "Call the vendor", "Collect the audit evidence",
         "整理预算方案", "Prepare the customer summary"]
VTZ = ("BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\nBEGIN:STANDARD\r\n"
       "TZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\nTZNAME:CST\r\n"
       "DTSTART:19700101T000000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")
SH = dt.timezone(dt.timedelta(hours=8))


def ical_text(s):
    return (s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def gen_event(i, start, rnd, organizer, now):
    uid = "gen-ev-%05d@calsteward.test" % i
    minutes = rnd.choice((30, 45, 60, 90))
    end = start + dt.timedelta(minutes=minutes)
    people = rnd.sample(PEOPLE, rnd.randint(3, 6))
    zone = i % 2 == 0
    recurring = i % 20 == 7
    past = end < now
    desc = ["Goal: %s" % rnd.choice(
        ("decide the Q3 budget split", "agree on the release date",
         "discuss the roadmap", "确定Q3预算分配方案"))]
    desc += ["", "Agenda:"]
    left = minutes - 10
    for k in range(rnd.randint(2, 4)):
        t, who = rnd.choice(TOPICS), rnd.choice(people)[0]
        d = max(5, min(left // 2, rnd.choice((5, 10, 15, 20))))
        left -= d
        form = (i + k) % 3
        if form == 0:
            desc.append("%d. %s (%d min, %s)" % (k + 1, t, d, who))
        elif form == 1:
            desc.append("%d、%s（%d分钟，%s）" % (k + 1, t, d, who))
        else:
            desc.append("- %s — %d min — %s" % (t, d, who))
    if i % 3 == 0:
        desc += ["", "Materials:", "- Draft (shared drive, draft-%d.pdf)" % i]
    actions = 0
    if past and i % 10 != 9:               # one in ten: minutes overdue
        due = (start + dt.timedelta(days=7)).date()
        desc += ["", "Minutes:", "Decisions:", "- Budget approved as drafted",
                 "Action items:"]
        actions = rnd.randint(1, 3)
        form = i % 4
        if form == 1:
            desc.append("| Task | Owner | Due | Deliverable |")
            desc.append("|---|---|---|---|")
        for k in range(actions):
            task, who = rnd.choice(TASKS), rnd.choice(people)
            d = due + dt.timedelta(days=k)
            if form == 0:
                desc.append("- %s — %s — %s — shared in the team folder"
                            % (task, who[0], d.isoformat()))
            elif form == 1:
                desc.append("| %s | %s | %s | e-mail to the team |"
                            % (task, who[0], d.isoformat()))
            elif form == 2:
                desc.append("ACTION: %s to %s by %s" % (who[0], task,
                                                        d.isoformat()))
            else:
                desc.append("- %s负责%s，%d月%d日前提交给财务部"
                            % (who[0], task, d.month, d.day))
        desc += ["", "Next meeting: %s" % (start + dt.timedelta(days=14))
                 .date().isoformat()]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0",
             "PRODID:-//calsteward tests//davtool seed-generated//EN"]
    if zone:
        lines.append(VTZ.rstrip("\r\n"))
    lines += ["BEGIN:VEVENT", "UID:" + uid,
              "DTSTAMP:" + utc_stamp(start - dt.timedelta(days=10)),
              "SUMMARY:" + ical_text("Generated meeting %d" % i),
              fold("ORGANIZER;CN=Organizer:mailto:" + organizer)]
    for name, local in people:
        lines.append(fold("ATTENDEE;CN=%s;PARTSTAT=ACCEPTED;"
                          "ROLE=REQ-PARTICIPANT:mailto:%s@example.com"
                          % (name, local)))
    if zone:
        f = "%Y%m%dT%H%M%S"
        lines += ["DTSTART;TZID=Asia/Shanghai:" + start.astimezone(SH)
                  .strftime(f),
                  "DTEND;TZID=Asia/Shanghai:" + end.astimezone(SH)
                  .strftime(f)]
    else:
        lines += ["DTSTART:" + utc_stamp(start), "DTEND:" + utc_stamp(end)]
    if recurring:
        lines.append("RRULE:FREQ=WEEKLY;COUNT=4")
    lines += [fold("DESCRIPTION:" + ical_text("\n".join(desc))),
              "STATUS:CONFIRMED", "SEQUENCE:0", "END:VEVENT", "END:VCALENDAR"]
    body = "\r\n".join(lines) + "\r\n"
    meta = {"uid": uid, "kind": "event",
            "dtstart": start.isoformat(), "dtend": end.isoformat(),
            "past": past, "actions": actions, "recurring": recurring}
    return "gen-ev-%05d.ics" % i, body, meta


def gen_todo(i, n_events, t0, span, rnd, organizer, now):
    ev = rnd.randrange(max(1, n_events))
    kind = ("agenda", "materials", "minutes", "action-item")[i % 4]
    due = t0 + dt.timedelta(seconds=span.total_seconds() * rnd.random())
    meeting_uid = "gen-ev-%05d@calsteward.test" % ev
    key = TASKS[i % len(TASKS)] if kind == "action-item" else ""
    uid = "gen-todo-%05d@calsteward.test" % i
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0",
             "PRODID:-//calsteward tests//davtool seed-generated//EN",
             "BEGIN:VTODO", "UID:" + uid,
             "DTSTAMP:" + utc_stamp(now),
             "SUMMARY:" + ical_text(key or "Prepare the %s" % kind),
             "DUE:" + utc_stamp(due)]
    if i % 4 == 3:
        lines += ["STATUS:COMPLETED", "PERCENT-COMPLETE:100",
                  "COMPLETED:" + utc_stamp(due - dt.timedelta(hours=1))]
    else:
        lines.append("STATUS:NEEDS-ACTION")
    lines.append(fold("ORGANIZER:mailto:" + organizer))
    if kind == "action-item":
        name, local = PEOPLE[i % len(PEOPLE)]
        lines.append(fold("ATTENDEE;CN=%s;ROLE=REQ-PARTICIPANT;"
                          "PARTSTAT=NEEDS-ACTION:mailto:%s@example.com"
                          % (name, local)))
    lines += ["RELATED-TO:" + meeting_uid, "X-CALSTEWARD-KIND:" + kind,
              "END:VTODO", "END:VCALENDAR"]
    meta = {"uid": uid, "kind": "todo", "task-kind": kind,
            "due": due.isoformat(), "related-to": meeting_uid,
            "completed": i % 4 == 3}
    return "gen-todo-%05d.ics" % i, "\r\n".join(lines) + "\r\n", meta


class FsWriter:
    """Writes items into Radicale's storage under its storage lock."""

    def __init__(self, storage, path, components):
        self.dir = os.path.join(storage, "collection-root",
                                *[p for p in path.split("/") if p])
        os.makedirs(self.dir, exist_ok=True)
        props = os.path.join(self.dir, ".Radicale.props")
        if not os.path.exists(props):
            with open(props, "w") as f:
                json.dump({"tag": "VCALENDAR",
                           "C:supported-calendar-component-set": components,
                           "D:displayname": os.path.basename(self.dir)}, f)
        self.lockf = open(os.path.join(storage, ".Radicale.lock"), "a+")
        fcntl.flock(self.lockf, fcntl.LOCK_EX)

    def put(self, name, body):
        tmp = os.path.join(self.dir, ".tmp-" + name)
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(body)
        os.replace(tmp, os.path.join(self.dir, name))

    def close(self):
        fcntl.flock(self.lockf, fcntl.LOCK_UN)
        self.lockf.close()


def _warm_worker(job):
    """Builds Radicale's item cache for some files of one collection with
    Radicale's own storage code (a worker process)."""
    storage, coll, names = job
    from radicale import config as rconfig
    from radicale import storage as rstorage
    conf = rconfig.load()
    # no fsync: a test's throw-away storage (the fsyncs were most of the
    # time on a slow disk)
    conf.update({"storage": {"filesystem_folder": storage,
                             "_filesystem_fsync": "False"}}, "davtool",
                privileged=True)
    st = rstorage.load(conf)
    with st.acquire_lock("r"):
        col = next(iter(st.discover(coll)))
        n = sum(1 for _, item in col.get_multi(names) if item is not None)
    return n


def warm_radicale_cache(storage, colls, jobs=None):
    """Parses every item once, in parallel, so that the first REPORT or
    PROPFIND of the running Radicale finds its cache (.Radicale.cache)
    ready instead of parsing 10 000 objects inside one request."""
    import multiprocessing
    jobs = jobs or os.cpu_count() or 2
    work = []
    for coll in colls:
        d = os.path.join(storage, "collection-root",
                         *[p for p in coll.split("/") if p])
        names = sorted(n for n in os.listdir(d) if n.endswith(".ics"))
        size = max(50, len(names) // (jobs * 4) + 1)
        work += [(storage, coll, names[i:i + size])
                 for i in range(0, len(names), size)]
    if not work:
        return 0
    with multiprocessing.Pool(jobs) as pool:
        return sum(pool.map(_warm_worker, work))


def cmd_seed_generated(args):
    t0 = time.monotonic()
    rnd = random.Random(args.seed)
    start = parse_iso(args.start)
    now = parse_iso(args.now) if args.now else dt.datetime.now(
        dt.timezone.utc)
    span = dt.timedelta(days=args.span_days)
    organizer = args.organizer or (args.user if "@" in args.user
                                   else args.user + "@example.com")
    cal = urllib.parse.urlsplit(abs_url(args.url, args.cal)).path
    tcal = urllib.parse.urlsplit(abs_url(args.url, args.tasks_cal or
                                         args.cal)).path
    cal, tcal = [c if c.endswith("/") else c + "/" for c in (cal, tcal)]
    man = open(args.manifest, "w") if args.manifest else None
    writers = {}
    raw = Raw(args.url, args.user, args.pw)

    def put(coll, name, body, meta):
        href = coll + name
        if args.via == "fs":
            if coll not in writers:
                if writers:        # one lock at a time: one lock file
                    for w in writers.values():
                        w.close()
                    writers.clear()
                writers[coll] = FsWriter(args.storage, coll,
                                         args.components)
            writers[coll].put(name, body)
        else:
            st, _, data = raw.request(
                "PUT", href, body.encode("utf-8"),
                {"Content-Type": "text/calendar; charset=utf-8"})
            if st not in (200, 201, 204):
                raise SystemExit("davtool: PUT %s: HTTP %d %s"
                                 % (href, st, data[:200]))
        if man:
            meta = dict(meta, href=href)
            man.write(json.dumps(meta, ensure_ascii=False) + "\n")

    past = rec = 0
    step = span / max(1, args.events)
    for i in range(args.events):
        s = start + step * i
        s = s.replace(minute=(s.minute // 15) * 15, second=0, microsecond=0)
        name, body, meta = gen_event(i, s, rnd, organizer, now)
        past += meta["past"]
        rec += meta["recurring"]
        put(cal, name, body, meta)
    for i in range(args.tasks):
        name, body, meta = gen_todo(i, args.events, start, span, rnd,
                                    organizer, now)
        put(tcal, name, body, meta)
    for w in writers.values():
        w.close()
    if man:
        man.close()
    res = {"events": args.events, "tasks": args.tasks, "past": past,
           "recurring": rec, "seconds": round(time.monotonic() - t0, 2),
           "via": args.via}
    if args.via == "fs" and not args.no_warm:
        res["cached"] = warm_radicale_cache(args.storage,
                                            sorted({cal, tcal}), args.jobs)
        res["seconds"] = round(time.monotonic() - t0, 2)
    out(res)
    return 0


def propfind_etags(args, cal):
    c = client(args)
    r = c.propfind(abs_url(args.url, cal),
                   '<?xml version="1.0" encoding="utf-8"?>'
                   '<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/>'
                   '<D:resourcetype/></D:prop></D:propfind>', depth=1)
    return r


def cmd_warm(args):
    t0 = time.monotonic()
    r = propfind_etags(args, args.cal)
    if not check(r):
        return 1
    n = len(r.find_objects_and_props()) - 1
    out({"objects": n, "seconds": round(time.monotonic() - t0, 2)})
    return 0


def fetch_all(args, cal):
    """[(href, etag, data)] of every calendar object in cal."""
    c = client(args)
    q = ('<?xml version="1.0" encoding="utf-8"?>'
         '<C:calendar-query xmlns:D="DAV:" '
         'xmlns:C="urn:ietf:params:xml:ns:caldav">'
         '<D:prop><D:getetag/><C:calendar-data/></D:prop>'
         '<C:filter><C:comp-filter name="VCALENDAR"/></C:filter>'
         '</C:calendar-query>')
    r = c.report(abs_url(args.url, cal), q, depth=1)
    if not check(r):
        raise SystemExit(1)
    objs = r.expand_simple_props([dav.GetEtag(), cdav.CalendarData()])
    res = []
    for href, p in objs.items():
        data = p.get(cdav.CalendarData.tag)
        if data is None:
            continue
        res.append((href, p.get(dav.GetEtag.tag), data))
    return sorted(res)


def cmd_dump(args):
    out([{"href": h, "etag": e, "data": d}
         for h, e, d in fetch_all(args, args.cal)])
    return 0


def todo_json(href, etag, data):
    res = []
    for props in components(data, "VTODO"):
        d = {"href": href, "etag": etag, "categories": [], "attendee": [],
             "due-params": {}}
        for key in ("uid", "summary", "due", "dtstart", "status",
                    "priority", "percent-complete", "completed",
                    "organizer", "related-to", "x-calsteward-kind",
                    "x-calsteward-state", "x-calsteward-occurrence",
                    "description"):
            d[key] = None
        for name, params, value in props:
            k = name.lower()
            if k == "categories":
                d["categories"] += split_list(value)
            elif k == "attendee":
                d["attendee"].append(value)
            elif k in d and d[k] is None:
                d[k] = unescape(value)
                if k == "due":
                    d["due-params"] = params
        res.append(d)
    return res


def cmd_todos(args):
    res = []
    for h, e, d in fetch_all(args, args.cal):
        res += todo_json(h, e, d)
    res.sort(key=lambda t: (t["uid"] or "", t["href"]))
    out(res)
    return 0


def raw_client(args):
    return Raw(args.url, args.user, args.pw)


def path_of(args, href):
    u = urllib.parse.urlsplit(abs_url(args.url, href))
    return u.path + ("?" + u.query if u.query else "")


def cmd_get(args):
    st, etag, data = raw_client(args).request("GET", path_of(args, args.href))
    out({"status": st, "etag": etag,
         "data": data.decode("utf-8", "replace") if st == 200 else None})
    return 0 if st == 200 else 1


def put_back(c, path, etag, text, cond=True):
    h = {"Content-Type": "text/calendar; charset=utf-8"}
    if cond and etag:
        h["If-Match"] = etag
    st, new, _ = c.request("PUT", path, text.encode("utf-8"), h)
    out({"status": st, "etag": new})
    return 0 if 200 <= st < 300 else 1


def fetch_text(c, path):
    st, etag, data = c.request("GET", path)
    if st != 200:
        sys.stderr.write("davtool: GET %s: HTTP %d\n" % (path, st))
        raise SystemExit(1)
    return etag, data.decode("utf-8")


def cmd_edit(args):
    c, path = raw_client(args), path_of(args, args.href)
    etag, text = fetch_text(c, path)
    text = edit_text(text, args.set_prop or (), args.del_prop or (),
                     args.append_prop or ())
    return put_back(c, path, etag, text, not args.no_if_match)


def cmd_complete(args):
    c, path = raw_client(args), path_of(args, args.href)
    etag, text = fetch_text(c, path)
    at = utc_stamp(parse_iso(args.at) if args.at else None)
    text = edit_text(text, [("STATUS", "COMPLETED"),
                            ("PERCENT-COMPLETE", "100"),
                            ("COMPLETED", at), ("LAST-MODIFIED", at)])
    return put_back(c, path, etag, text)


def cmd_delete(args):
    st, _, _ = raw_client(args).request("DELETE", path_of(args, args.href))
    out({"status": st})
    return 0 if 200 <= st < 300 else 1


def cmd_mkcal(args):
    comps = "".join('<C:comp name="%s"/>' % escape(x.strip())
                    for x in args.components.split(",") if x.strip())
    name = args.name or args.path.rstrip("/").rsplit("/", 1)[-1]
    body = ('<?xml version="1.0" encoding="utf-8"?>'
            '<C:mkcalendar xmlns:D="DAV:" '
            'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>'
            '<D:displayname>%s</D:displayname>'
            '<C:supported-calendar-component-set>%s'
            '</C:supported-calendar-component-set>'
            '</D:prop></D:set></C:mkcalendar>' % (escape(name), comps))
    path = args.path if args.path.endswith("/") else args.path + "/"
    r = client(args).mkcalendar(abs_url(args.url, path), body)
    out({"status": r.status})
    if r.status == 201 or (args.exist_ok and r.status == 405):
        return 0
    return 1


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n")[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n", 2)[2])
    sub = ap.add_subparsers(dest="cmd", required=True)

    def cmd(name, *pos):
        p = sub.add_parser(name)
        for a in ("url", "user", "pw") + pos:
            p.add_argument(a)
        return p

    p = cmd("seed", "cal")
    p.add_argument("files", nargs="+")
    p.add_argument("--if-none-match", action="store_true")
    p = cmd("seed-generated", "cal")
    p.add_argument("--events", type=int, default=0)
    p.add_argument("--tasks", type=int, default=0)
    p.add_argument("--start", required=True)
    p.add_argument("--span-days", type=float, required=True)
    p.add_argument("--now")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--via", choices=("http", "fs"), default="http")
    p.add_argument("--no-warm", action="store_true",
                   help="fs: leave Radicale's item cache cold")
    p.add_argument("--jobs", type=int,
                   help="fs: processes that build the cache [CPUs]")
    p.add_argument("--storage")
    p.add_argument("--components", default="VEVENT,VTODO",
                   help="fs: of a collection it creates")
    p.add_argument("--organizer")
    p.add_argument("--manifest")
    p.add_argument("--tasks-cal")
    cmd("warm", "cal")
    cmd("dump", "cal")
    cmd("todos", "cal")
    cmd("get", "href")
    p = cmd("edit", "href")
    p.add_argument("--set-prop", nargs=2, action="append",
                   metavar=("NAME", "VALUE"))
    p.add_argument("--append-prop", nargs=2, action="append",
                   metavar=("NAME", "VALUE"))
    p.add_argument("--del-prop", action="append", metavar="NAME")
    p.add_argument("--no-if-match", action="store_true")
    p = cmd("complete", "href")
    p.add_argument("--at")
    cmd("delete", "href")
    p = cmd("mkcal", "path")
    p.add_argument("--components", default="VEVENT,VTODO")
    p.add_argument("--name")
    p.add_argument("--exist-ok", action="store_true")
    args = ap.parse_args()
    if args.cmd == "seed-generated" and args.via == "fs" and not args.storage:
        ap.error("--via fs needs --storage DIR (Radicale's filesystem_folder)")
    fn = globals()["cmd_" + args.cmd.replace("-", "_")]
    try:
        return fn(args)
    except (requests.RequestException, OSError) as e:
        sys.stderr.write("davtool: %s\n" % e)
        return 1


if __name__ == "__main__":
    sys.exit(main())
