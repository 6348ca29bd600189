#!/usr/bin/env python3
"""gracestop.py -- what the module's delivery queue holds when Apache
stops is logged, never silently dropped, and the next save delivers it
(TAP lines; run in phases by test-plugin-delivery.sh, numbering from
CST_TAP_START, the plan printed by the script).

    gracestop.py save --apache URL --out FILE [--n N]
        saves N meetings with an action item each through Apache while
        the module's backend is away; FILE: "UID NAME" per meeting
    gracestop.py logged --log ERROR_LOG --pending FILE --secs S
        after the graceful stop (S seconds): one CS015 line per meeting
        naming its UID and its tasks' UIDs, "Apache stopped", no
        credentials in the log
    gracestop.py resave --apache URL --radicale URL --pending FILE
        saves the meetings again (backend back): their action items
        arrive, once
"""
import argparse
import os
import re
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenarios as S  # noqa: E402
import delivery  # noqa: E402

T = S.T
T.n = int(os.environ.get("CST_TAP_START", "0"))
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def body(uid, name):
    past = (S.NOW - S.dt.timedelta(days=2)).replace(minute=0, second=0)
    due = (past + S.dt.timedelta(days=10)).strftime("%Y-%m-%d")
    minutes = ("Action items:\\n- Deliver item %s \u2014 Bob \u2014 %s "
               "\u2014 a report \u2014 high\\n" % (name, due))
    return S.meeting(uid, start=past, minutes=minutes)


def pending(path):
    with open(path, encoding="utf-8") as f:
        return [ln.split() for ln in f if ln.strip()]


def save(a):
    c = S.Client(a.apache)
    ok = 0
    with open(a.out, "w", encoding="utf-8") as f:
        for _ in range(a.n):
            name = str(uuid.uuid4())
            uid = "stop-%s@example.com" % name
            r = S.put(c, "/alice/cal/%s.ics" % uid, body(uid, name))
            if r.status in (200, 201, 204):
                ok += 1
                f.write("%s %s\n" % (uid, name))
    c.close()
    T.ok(ok == a.n, "graceful stop: %d of %d meetings stored while the "
         "module's backend is away" % (ok, a.n))


def logged(a):
    with open(a.log, encoding="utf-8", errors="replace") as f:
        log = f.read()
    lines = [ln for ln in log.splitlines() if "CS015" in ln]
    want = pending(a.pending)
    bad = []
    for uid, _ in want:
        mine = [ln for ln in lines if "meeting %s:" % uid in ln]
        m = re.search(r"tasks ((?:%s,?)+) not written \(Apache stopped"
                      % UUID, mine[0]) if len(mine) == 1 else None
        if m is None:
            bad.append((uid, mine))
    T.ok(want and not bad, "graceful stop: one CS015 line per meeting still "
         "queued, naming its UID and its tasks' UIDs (%d meetings)"
         % len(want), *bad[:3])
    T.ok(a.secs <= 20, "graceful stop: the child stopped in %.1f s "
         "(bounded)" % a.secs)
    secret = S.auth("alice").split()[1]
    T.ok(secret not in log and S.USERS["alice"] not in log,
         "graceful stop: no credentials in the error log")


def resave(a):
    D = S.Client(a.radicale)
    c = S.Client(a.apache)
    want = pending(a.pending)
    for uid, name in want:
        S.put(c, "/alice/cal/%s.ics" % uid, body(uid, name))
    c.close()
    names = {name for _, name in want}
    got = []
    end = time.time() + 60
    while time.time() < end:
        got = delivery.action_items(D)
        if names <= set(got):
            break
        time.sleep(0.5)
    time.sleep(1)
    got = delivery.action_items(D)
    T.ok(names <= set(got), "graceful stop: saved again, every logged "
         "meeting's action item arrives (%d of %d)"
         % (len(names & set(got)), len(names)))
    dup = [x for x in names if got.count(x) != 1]
    T.ok(not dup, "graceful stop: none doubled", dup[:5])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("phase", choices=["save", "logged", "resave"])
    ap.add_argument("--apache")
    ap.add_argument("--radicale")
    ap.add_argument("--out")
    ap.add_argument("--pending")
    ap.add_argument("--log")
    ap.add_argument("--secs", type=float, default=0)
    ap.add_argument("--n", type=int, default=5)
    a = ap.parse_args()
    {"save": save, "logged": logged, "resave": resave}[a.phase](a)
    return 1 if T.failed else 0


if __name__ == "__main__":
    sys.exit(main())
