"""report_fixture.py -- a seeded quarter of meetings and action items for
`calsteward report` (tests/cli/test-report.py, tests/sweep/test-report-caldav.sh),
and the figures they must give, computed here from the fixture's own
ground truth -- never by running calsteward.

The window is 2023-04-01 .. 2023-07-01 (UTC), now 2023-07-10T00:00Z, the
built-in policy (agenda 3 days ahead, materials 2 days, minutes within 24 h,
at most 8 participants, a 10-minute buffer).  What the fixture holds:

  m1  English, single; a ROOM attendee (not counted); agenda on time,
      materials late, minutes on time; goal stated; "Goal reached: yes";
      tasks: completed on time, completed late, cancelled.  Sun Qi's
      department comes from X-CALSTEWARD-DEPT on the meeting's ATTENDEE.
  m2  Chinese, Asia/Shanghai; goal vague (讨论预算); no materials; minutes
      late; 目标达成：部分; DATE dues, which end at midnight in Shanghai
      (16:00Z): one completed 17:00Z (late there, on time in UTC), one at
      15:30Z (on time), one open, one due 2023-07-09 (overdue in Shanghai,
      not yet in UTC).
  m3  urgent (CATEGORIES:URGENT): counted, but not in the agenda and
      materials figures; minutes without a stamp (untracked); "no";
      an overdue task.
  m4  weekly series, COUNT=5 from 2023-05-29 with an EXDATE (06-19), an
      override moved within the window (06-12 -> 06-13, its own minutes,
      "Outcome: achieved") and one moved out of it (06-26 -> 07-02); ten
      participants (over the limit); the agenda overruns the slot; tasks
      of the held occurrences count, those of the excluded and of the
      moved-out occurrence do not.
  m5  before the window; m6 cancelled: their tasks do not count.
  m7  Google-style HTML in DESCRIPTION (rich text): the headings are in
      <b>, the goal-reached line too; ATTACH without a stamp (materials
      untracked); agenda untracked.  A minutes prep task and a VTODO of
      no kind beside it do not count.
  m8  Outlook X-ALT-DESC only (no DESCRIPTION): "Goal reached: yes".
  m9  all-day, m10 without attendees: no meetings.
  m11 Thunderbird: ALTREP HTML with a lossy plain copy; "Goal reached: no"
      after the action items (it ends them).
  m12 "Goal reached: yes" above the minutes heading: no heading, unknown.
  A broken .ics file (one line on stderr, the rest counts), a file that is
  no .ics (ignored), and t1 a second time in another folder (counted once).
"""

import datetime as dt
import os
import statistics
from decimal import Decimal, ROUND_HALF_UP

UTC = dt.timezone.utc
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
FROM = dt.datetime(2023, 4, 1, tzinfo=UTC)
TO = dt.datetime(2023, 7, 1, tzinfo=UTC)
NOW = dt.datetime(2023, 7, 10, tzinfo=UTC)
AGENDA_DAYS, MATERIALS_DAYS, MINUTES_HOURS = 3, 2, 24
MAX_PARTICIPANTS, BUFFER = 8, 10

DEPARTMENTS_FILE = """; who works where
[departments]
lisi@example.com = Finance
mailto:WangWu@Example.com = Marketing
zhaoliu@example.com = Finance
chenba@example.com = Engineering
p1@example.com = Sales
"""
DEPTS = {"lisi@example.com": "Finance", "wangwu@example.com": "Marketing",
         "zhaoliu@example.com": "Finance", "chenba@example.com": "Engineering",
         "p1@example.com": "Sales"}
PARAM_DEPTS = {"sunqi@example.com": "Sales"}  # X-CALSTEWARD-DEPT

CN = {"lisi@example.com": "Li Si", "wangwu@example.com": "Wang Wu",
      "zhaoliu@example.com": "Zhao Liu", "sunqi@example.com": "Sun Qi",
      "chenba@example.com": "Chen Ba"}
CN_ZH = {"lisi@example.com": "李四", "wangwu@example.com": "王五",
         "zhaoliu@example.com": "赵六", "chenba@example.com": "陈八"}


def Z(y, mo, d, h=0, mi=0):
    return dt.datetime(y, mo, d, h, mi, tzinfo=UTC)


def ical(t):
    return t.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def esc(s):
    return (s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


# --- the meetings: ground truth ------------------------------------------
# held: the occurrences the report must count, each (start, end, occ_id,
# and the fields of the VEVENT that gives it).

def meeting(**kw):
    m = dict(zone=None, urgent=False, attach=False, agenda_min=None,
             agenda_stamp=None, materials=False, materials_stamp=None,
             minutes=False, minutes_stamp=None, goal="missing",
             reached="unknown", people=[], rooms=[], summary="",
             occurrences=[])
    m.update(kw)
    return m


WEEKLY_PEOPLE = ["lisi@example.com"] + ["p%d@example.com" % i
                                         for i in range(1, 10)]

MEETINGS = [
    meeting(uid="m1-budget@example.com", summary="Q2 budget review",
            org="lisi@example.com",
            people=["lisi@example.com", "wangwu@example.com",
                    "zhaoliu@example.com", "sunqi@example.com"],
            rooms=["room5@example.com"],
            agenda_min=[10, 30], agenda_stamp=Z(2023, 4, 7, 2),
            materials=True, materials_stamp=Z(2023, 4, 11, 2),
            minutes=True, minutes_stamp=Z(2023, 4, 12, 5),
            goal="stated", reached="yes",
            occurrences=[(Z(2023, 4, 12, 2), Z(2023, 4, 12, 3), "")]),
    meeting(uid="m2-cn@example.com", summary="Q3市场推广预算分配",
            org="wangwu@example.com", zone=SHANGHAI,
            people=["wangwu@example.com", "lisi@example.com",
                    "zhaoliu@example.com", "chenba@example.com"],
            agenda_min=[30], agenda_stamp=Z(2023, 5, 6, 1),
            minutes=True, minutes_stamp=Z(2023, 5, 11, 8),
            goal="vague", reached="partly",
            occurrences=[(Z(2023, 5, 10, 1), Z(2023, 5, 10, 2), "")]),
    meeting(uid="m3-incident@example.com", summary="Incident review",
            org="zhaoliu@example.com", urgent=True,
            people=["zhaoliu@example.com", "lisi@example.com"],
            minutes=True, goal="missing", reached="no",
            occurrences=[(Z(2023, 5, 22, 6), Z(2023, 5, 22, 6, 30), "")]),
    # m4: the master's two held occurrences, then the override's
    meeting(uid="m4-weekly@example.com", summary="Weekly sync",
            org="lisi@example.com", people=WEEKLY_PEOPLE,
            agenda_min=[20, 15], agenda_stamp=Z(2023, 5, 1),
            goal="stated", reached="unknown",
            occurrences=[(Z(2023, 5, 29, 1), Z(2023, 5, 29, 1, 30),
                          "20230529T010000Z"),
                         (Z(2023, 6, 5, 1), Z(2023, 6, 5, 1, 30),
                          "20230605T010000Z")]),
    meeting(uid="m4-weekly@example.com", summary="Weekly sync",
            org="lisi@example.com", people=WEEKLY_PEOPLE,
            agenda_min=[20, 15], agenda_stamp=Z(2023, 5, 1),
            minutes=True, minutes_stamp=Z(2023, 6, 13, 3),
            goal="stated", reached="yes",
            occurrences=[(Z(2023, 6, 13, 1), Z(2023, 6, 13, 1, 30),
                          "20230612T010000Z")]),
    meeting(uid="m7-richtext@example.com", summary="Vendor choice",
            org="chenba@example.com",
            people=["chenba@example.com", "lisi@example.com"],
            agenda_min=[20], attach=True, materials=True,
            minutes=True, minutes_stamp=Z(2023, 4, 26, 12),
            goal="stated", reached="partly",
            occurrences=[(Z(2023, 4, 26, 8), Z(2023, 4, 26, 9), "")]),
    meeting(uid="m8-outlook@example.com", summary="Plan approval",
            org="p3@example.com",
            people=["p3@example.com", "p4@example.com"],
            minutes=True, goal="stated", reached="yes",
            occurrences=[(Z(2023, 6, 20, 7), Z(2023, 6, 20, 7, 30), "")]),
    meeting(uid="m11-thunderbird@example.com", summary="Hiring plan",
            org="chenba@example.com",
            people=["chenba@example.com", "wangwu@example.com"],
            agenda_min=[15], agenda_stamp=Z(2023, 6, 21, 9),
            minutes=True, minutes_stamp=Z(2023, 6, 27, 9),
            goal="stated", reached="no",
            occurrences=[(Z(2023, 6, 26, 8), Z(2023, 6, 26, 9), "")]),
    meeting(uid="m12-early@example.com", summary="Early claim",
            org="wangwu@example.com",
            people=["wangwu@example.com", "lisi@example.com"],
            minutes=True, goal="stated", reached="unknown",
            occurrences=[(Z(2023, 6, 28, 8), Z(2023, 6, 28, 9), "")]),
]


def task(uid, related, owner, occ="", due=None, due_date=None,
         status="NEEDS-ACTION", completed=None, counted=True):
    return dict(uid=uid, related=related, owner=owner, occ=occ, due=due,
                due_date=due_date, status=status, completed=completed,
                counted=counted)


TASKS = [
    task("t1", "m1-budget@example.com", "wangwu@example.com",
         due=Z(2023, 4, 20, 10), status="COMPLETED",
         completed=Z(2023, 4, 18, 9)),
    task("t2", "m1-budget@example.com", "zhaoliu@example.com",
         due=Z(2023, 4, 19, 10), status="COMPLETED",
         completed=Z(2023, 4, 25, 3)),
    task("t3", "m1-budget@example.com", "sunqi@example.com",
         due=Z(2023, 4, 30), status="CANCELLED"),
    task("t4", "m2-cn@example.com", "zhaoliu@example.com",
         due_date=dt.date(2023, 5, 15), status="COMPLETED",
         completed=Z(2023, 5, 15, 17)),
    task("t5", "m2-cn@example.com", "lisi@example.com",
         due_date=dt.date(2023, 5, 20), status="COMPLETED",
         completed=Z(2023, 5, 20, 15, 30)),
    task("t6", "m2-cn@example.com", "chenba@example.com",
         due_date=dt.date(2023, 7, 20)),
    task("t6b", "m2-cn@example.com", "chenba@example.com",
         due_date=dt.date(2023, 7, 9)),
    task("t7", "m3-incident@example.com", "lisi@example.com",
         due=Z(2023, 5, 25)),
    task("t8", "m4-weekly@example.com", "p1@example.com",
         occ="20230612T010000Z", due=Z(2023, 6, 16, 1), status="COMPLETED",
         completed=Z(2023, 6, 15, 1, 30)),
    task("t9", "m4-weekly@example.com", "p2@example.com",
         occ="20230605T010000Z", due=Z(2023, 6, 9, 1)),
    task("t10", "m4-weekly@example.com", "p2@example.com",
         occ="20230626T010000Z", due=Z(2023, 6, 30), counted=False),
    task("t10b", "m4-weekly@example.com", "p2@example.com",
         occ="20230619T010000Z", due=Z(2023, 6, 23), counted=False),
    task("t11", "m5-old@example.com", "lisi@example.com",
         due=Z(2023, 3, 25), counted=False),
    task("t12", "m6-cancelled@example.com", "lisi@example.com",
         due=Z(2023, 6, 5), counted=False),
    task("t13", "m7-richtext@example.com", "lisi@example.com",
         due_date=dt.date(2023, 5, 3), status="COMPLETED",
         completed=Z(2023, 5, 2, 10)),
]


# --- the expected figures -------------------------------------------------

def r3(x):
    return float(Decimal(repr(x)).quantize(Decimal("0.001"),
                                           rounding=ROUND_HALF_UP))


def rate(a, b):
    return None if b == 0 else r3(a / b)


def lead(present, stamp, due):
    if not present:
        return "missing"
    if stamp is None:
        return "untracked"
    return "on_time" if stamp <= due else "late"


def occurrences():
    """Every held occurrence as (meeting, start, end, occ_id)."""
    out = []
    for m in MEETINGS:
        for s, e, occ in m["occurrences"]:
            assert FROM <= s < TO and e <= NOW
            out.append((m, s, e, occ))
    return out


def dept(addr):
    return DEPTS.get(addr) or PARAM_DEPTS.get(addr)


def due_end(t, zone):
    if t["due"] is not None:
        return t["due"]
    if t["due_date"] is None:
        return None
    d = t["due_date"] + dt.timedelta(days=1)
    return dt.datetime(d.year, d.month, d.day, tzinfo=zone or UTC)


def empty_fig():
    z = lambda: {"on_time": 0, "late": 0, "missing": 0, "untracked": 0}
    return {"meetings": {"count": 0, "urgent": 0, "participants": [],
                         "over_participant_limit": 0, "agenda": z(),
                         "materials": z(),
                         "goal": {"stated": 0, "vague": 0, "missing": 0},
                         "agenda_overrun": 0, "minutes": z(),
                         "goal_reached": {"yes": 0, "partly": 0, "no": 0,
                                          "unknown": 0}},
            "action_items": {"count": 0, "completed": 0,
                             "completed_on_time": 0, "overdue": 0, "open": 0,
                             "cancelled": 0, "days": [],
                             "cross_department": 0}}


def add_meeting(f, m, s, e):
    fm = f["meetings"]
    fm["count"] += 1
    n = len(set(m["people"]))
    fm["participants"].append(n)
    fm["over_participant_limit"] += n > MAX_PARTICIPANTS
    if m["urgent"]:
        fm["urgent"] += 1
    else:
        fm["agenda"][lead(m["agenda_min"] is not None, m["agenda_stamp"],
                          s - dt.timedelta(days=AGENDA_DAYS))] += 1
        fm["materials"][lead(m["materials"], m["materials_stamp"],
                             s - dt.timedelta(days=MATERIALS_DAYS))] += 1
    fm["minutes"][lead(m["minutes"], m["minutes_stamp"],
                       e + dt.timedelta(hours=MINUTES_HOURS))] += 1
    fm["goal"][m["goal"]] += 1
    if m["agenda_min"] is not None:
        slot = (e - s).total_seconds() / 60
        fm["agenda_overrun"] += sum(m["agenda_min"]) + BUFFER > slot
    fm["goal_reached"][m["reached"]] += 1


def add_item(f, t, m, e):
    fa = f["action_items"]
    fa["count"] += 1
    end = due_end(t, m["zone"])
    if t["status"] == "CANCELLED":
        fa["cancelled"] += 1
    elif t["status"] == "COMPLETED":
        fa["completed"] += 1
        if end is None or t["completed"] <= end:
            fa["completed_on_time"] += 1
        fa["days"].append(max(0.0, (t["completed"] - e).total_seconds()
                              / 86400))
    elif end is not None and end < NOW:
        fa["overdue"] += 1
    else:
        fa["open"] += 1
    od, md = dept(t["owner"]), dept(m["org"])
    if od and md and od.lower() != md.lower():
        fa["cross_department"] += 1


def finish(f):
    fm, fa = f["meetings"], f["action_items"]
    ps = fm.pop("participants")
    out_m = {"count": fm["count"], "urgent": fm["urgent"],
             "participants_mean": r3(sum(ps) / len(ps)) if ps else None,
             "over_participant_limit": fm["over_participant_limit"]}
    for k in ("agenda", "materials", "goal", "agenda_overrun", "minutes",
              "goal_reached"):
        out_m[k] = fm[k]
    days = fa.pop("days")
    out_a = dict(fa)
    out_a["completion_rate"] = rate(fa["completed"],
                                    fa["count"] - fa["cancelled"])
    out_a["on_time_rate"] = rate(fa["completed_on_time"], fa["completed"])
    out_a["median_days_to_close"] = (r3(statistics.median(days)) if days
                                     else None)
    out_a["cross_department"] = fa["cross_department"]
    order = ["count", "completed", "completed_on_time", "overdue", "open",
             "cancelled", "completion_rate", "on_time_rate",
             "median_days_to_close", "cross_department"]
    return {"meetings": out_m, "action_items": {k: out_a[k] for k in order}}


def tasks_of(m, occ):
    return [t for t in TASKS if t["counted"] and t["related"] == m["uid"]
            and t["occ"] == occ]


def expected(by=()):
    """The JSON calsteward must print (figures as plain dicts)."""
    # in time order: a group's name is that of its first meeting
    occ = sorted(occurrences(), key=lambda o: o[1])
    total = empty_fig()
    groups = {}  # (by, key) -> [name, fig, meetings seen]

    def g(b, key, name):
        if (b, key) not in groups:
            groups[(b, key)] = [name, empty_fig(), set()]
        return groups[(b, key)]

    def gm(grp, idx, m, s, e):
        if idx not in grp[2]:
            grp[2].add(idx)
            add_meeting(grp[1], m, s, e)

    for idx, (m, s, e, oid) in enumerate(occ):
        add_meeting(total, m, s, e)
        items = tasks_of(m, oid)
        for t in items:
            add_item(total, t, m, e)
        local = s.astimezone(m["zone"] or UTC).date()
        iso = local.isocalendar()
        same = []
        if "week" in by:
            same.append(g("week", "%04d-W%02d" % (iso[0], iso[1]),
                          "%04d-W%02d" % (iso[0], iso[1])))
        if "month" in by:
            k = "%04d-%02d" % (local.year, local.month)
            same.append(g("month", k, k))
        if "organizer" in by:
            names = CN_ZH if m["zone"] is SHANGHAI else CN
            same.append(g("organizer", "mailto:" + m["org"],
                          names.get(m["org"], m["org"])))
        if "series" in by:
            same.append(g("series", m["uid"], m["summary"]))
        for grp in same:
            gm(grp, idx, m, s, e)
            for t in items:
                add_item(grp[1], t, m, e)
        if "department" in by:
            ds = {dept(a) for a in m["people"]} - {None}
            for d in ds or {""}:
                gm(g("department", d, d), idx, m, s, e)
            for t in items:
                d = dept(t["owner"]) or ""
                add_item(g("department", d, d)[1], t, m, e)
        if "owner" in by:
            for t in items:
                names = CN_ZH if m["zone"] is SHANGHAI else CN
                grp = g("owner", "mailto:" + t["owner"],
                        names.get(t["owner"], t["owner"].split("@")[0]))
                gm(grp, idx, m, s, e)
                add_item(grp[1], t, m, e)
    out = {"from": "2023-04-01T00:00:00Z", "to": "2023-07-01T00:00:00Z",
           "now": "2023-07-10T00:00:00Z"}
    out.update(finish(total))
    order = ["week", "month", "organizer", "owner", "department", "series"]

    def sort_key(item):
        (b, key) = item[0]
        return (order.index(b), key == "", key)

    out["groups"] = []
    for (b, key), (name, fig, _) in sorted(groups.items(), key=sort_key):
        row = {"by": b, "key": key or None, "name": name if key else None}
        row.update(finish(fig))
        out["groups"].append(row)
    return out


# --- writing the fixture ----------------------------------------------------

VTZ = ("BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\nBEGIN:STANDARD\r\n"
       "DTSTART:19700101T000000\r\nTZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\n"
       "TZNAME:CST\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")


def cal(*comps, tz=False):
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//calsteward tests//EN"
            "\r\n" + (VTZ if tz else "") + "".join(comps) + "END:VCALENDAR\r\n")


def lines(*ls):
    return "".join(l + "\r\n" for l in ls if l is not None)


def people_lines(org, attendees, names, params=None):
    params = params or {}
    out = ["ORGANIZER;CN=%s:mailto:%s" % (names.get(org, org), org)]
    for a in attendees:
        extra = (";X-CALSTEWARD-DEPT=%s" % params[a]) if a in params else ""
        cn = (";CN=%s" % names[a]) if a in names else ""
        out.append("ATTENDEE%s%s;PARTSTAT=ACCEPTED:mailto:%s" % (cn, extra, a))
    return out


def vevent(uid, start, end, desc=None, org=None, attendees=(), names=CN,
           extra=(), stamps=None, zone=None, params=None):
    stamps = stamps or {}
    if zone is SHANGHAI:
        ds = "DTSTART;TZID=Asia/Shanghai:" + start.astimezone(
            SHANGHAI).strftime("%Y%m%dT%H%M%S")
        de = "DTEND;TZID=Asia/Shanghai:" + end.astimezone(
            SHANGHAI).strftime("%Y%m%dT%H%M%S")
    else:
        ds, de = "DTSTART:" + ical(start), "DTEND:" + ical(end)
    ls = ["BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:20230701T000000Z", ds, de]
    ls += list(extra)
    if org:
        ls += people_lines(org, attendees, names, params)
    if desc is not None:
        ls.append("DESCRIPTION:" + esc(desc))
    for k, v in stamps.items():
        if v is not None:
            ls.append("X-CALSTEWARD-%s-SENT:%s" % (k, ical(v)))
    ls.append("END:VEVENT")
    return lines(*ls)


def vtodo(t, names=CN, kind="action-item"):
    ls = ["BEGIN:VTODO", "UID:" + t["uid"] + "@tasks.example.com",
          "DTSTAMP:20230701T000000Z", "SUMMARY:task " + t["uid"]]
    if t["due"] is not None:
        ls.append("DUE:" + ical(t["due"]))
    if t["due_date"] is not None:
        ls.append("DUE;VALUE=DATE:" + t["due_date"].strftime("%Y%m%d"))
    ls.append("STATUS:" + t["status"])
    if t["completed"] is not None:
        ls += ["COMPLETED:" + ical(t["completed"]), "PERCENT-COMPLETE:100"]
    ls.append("ATTENDEE;CN=%s;PARTSTAT=NEEDS-ACTION:mailto:%s"
              % (names.get(t["owner"], t["owner"].split("@")[0]),
                 t["owner"]))
    ls.append("RELATED-TO:" + t["related"])
    if kind is not None:
        ls.append("X-CALSTEWARD-KIND:" + kind)
    if t["occ"]:
        ls.append("X-CALSTEWARD-OCCURRENCE:" + t["occ"])
    ls.append("END:VTODO")
    return lines(*ls)


def files():
    """{relative path: content} of the fixture folder."""
    f = {}
    m1 = MEETINGS[0]
    f["cal/m1.ics"] = cal(vevent(
        m1["uid"], *m1["occurrences"][0][:2],
        desc="Goal: decide the Q2 budget split\n\nAgenda\n"
             "1. Review (10 min, Li Si)\n2. Budget split (30 min, Wang Wu)\n"
             "\nMaterials: https://example.com/budget.xlsx\n\nMinutes\n"
             "We agreed on the split.\nAction items:\n"
             "- Send the budget — Wang Wu — 2023-04-20 — sheet\n"
             "- Check the forecast — Zhao Liu — 2023-04-19 — note\n"
             "Goal reached: yes\n",
        org=m1["org"], attendees=m1["people"][1:],
        params=PARAM_DEPTS,
        extra=["SUMMARY:" + m1["summary"]],
        stamps={"AGENDA": m1["agenda_stamp"],
                "MATERIALS": m1["materials_stamp"],
                "MINUTES": m1["minutes_stamp"]}).replace(
        "END:VEVENT", "ATTENDEE;CUTYPE=ROOM;CN=Room 5:mailto:"
        "room5@example.com\r\nEND:VEVENT"))
    m2 = MEETINGS[1]
    f["cal/m2.ics"] = cal(vevent(
        m2["uid"], *m2["occurrences"][0][:2], zone=SHANGHAI,
        desc="会议目标：讨论预算\n\n会议议程\n1、预算分配（30分钟，王五）\n\n"
             "会议纪要\n已讨论。\n行动项：\n1. 赵六负责整理方案，5月15日前\n"
             "目标达成：部分\n",
        org=m2["org"], attendees=m2["people"][1:], names=CN_ZH,
        extra=["SUMMARY:" + m2["summary"]],
        stamps={"AGENDA": m2["agenda_stamp"],
                "MINUTES": m2["minutes_stamp"]}), tz=True)
    m3 = MEETINGS[2]
    f["cal/m3.ics"] = cal(vevent(
        m3["uid"], *m3["occurrences"][0][:2],
        desc="Minutes: root cause found\nGoal reached: no\n",
        org=m3["org"], attendees=m3["people"][1:],
        extra=["SUMMARY:" + m3["summary"], "CATEGORIES:URGENT"]))
    m4 = MEETINGS[3]
    m4_desc = ("Goal: agree on the release date\nAgenda:\n"
               "1. Status (20 min, Li Si)\n2. Risks (15 min, Li Si)\n")
    master = vevent(m4["uid"], Z(2023, 5, 29, 1), Z(2023, 5, 29, 1, 30),
                    desc=m4_desc, org=m4["org"], attendees=m4["people"][1:],
                    extra=["SUMMARY:Weekly sync",
                           "RRULE:FREQ=WEEKLY;COUNT=5",
                           "EXDATE:20230619T010000Z"],
                    stamps={"AGENDA": m4["agenda_stamp"]})
    moved_in = vevent(m4["uid"], Z(2023, 6, 13, 1), Z(2023, 6, 13, 1, 30),
                      desc=m4_desc + "Minutes:\ndone\nOutcome: achieved\n",
                      org=m4["org"], attendees=m4["people"][1:],
                      extra=["SUMMARY:Weekly sync",
                             "RECURRENCE-ID:20230612T010000Z"],
                      stamps={"AGENDA": m4["agenda_stamp"],
                              "MINUTES": MEETINGS[4]["minutes_stamp"]})
    moved_out = vevent(m4["uid"], Z(2023, 7, 2, 1), Z(2023, 7, 2, 1, 30),
                       desc=m4_desc, org=m4["org"],
                       attendees=m4["people"][1:],
                       extra=["SUMMARY:Weekly sync",
                              "RECURRENCE-ID:20230626T010000Z"],
                       stamps={"AGENDA": m4["agenda_stamp"]})
    f["cal/m4.ics"] = cal(master, moved_in, moved_out)
    f["cal/m5.ics"] = cal(vevent(
        "m5-old@example.com", Z(2023, 3, 20, 2), Z(2023, 3, 20, 3),
        desc="Minutes: old", org="lisi@example.com",
        attendees=["wangwu@example.com"]))
    f["cal/m6.ics"] = cal(vevent(
        "m6-cancelled@example.com", Z(2023, 6, 1, 2), Z(2023, 6, 1, 3),
        desc="Minutes: never met\nGoal reached: yes", org="lisi@example.com",
        attendees=["wangwu@example.com"], extra=["STATUS:CANCELLED"]))
    html = ("<b>Goal:</b> choose the vendor<br><b>Agenda:</b>"
            "<ol><li>Offers (20 min, Chen Ba)</li></ol>"
            "<b>Minutes:</b><br>Vendor B chosen.<br>Action items:"
            "<ul><li>Sign the contract — Li Si — 2023-05-03 — signed PDF</li>"
            "</ul><b>Goal reached:</b> partly<br>")
    m7 = MEETINGS[5]
    f["cal/m7.ics"] = cal(vevent(
        m7["uid"], *m7["occurrences"][0][:2], desc=html, org=m7["org"],
        attendees=m7["people"][1:],
        extra=["SUMMARY:" + m7["summary"],
               "ATTACH:https://example.com/offers.pdf"],
        stamps={"MINUTES": m7["minutes_stamp"]}))
    m8 = MEETINGS[6]
    f["cal/m8.ics"] = cal(vevent(
        m8["uid"], *m8["occurrences"][0][:2], org=m8["org"],
        attendees=m8["people"][1:],
        extra=["SUMMARY:" + m8["summary"],
               "X-ALT-DESC;FMTTYPE=text/html:<html><body><p>Goal: approve "
               "the plan</p><p>Minutes:</p><p>Approved.</p><p>Goal reached: "
               "yes</p></body></html>"]))
    # Thunderbird: the editor's HTML in ALTREP, a lossy plain copy
    m11 = MEETINGS[7]
    tb_html = ("<p><b>Goal:</b> approve the hiring plan</p><p><b>Agenda:</b>"
               "</p><ol><li>Plan (15 min, Chen Ba)</li></ol>"
               "<p><b>Minutes:</b></p><p>Action items:</p><ul><li>Revise "
               "the plan — Wang Wu — 2023-07-03 — new draft</li></ul>"
               "<p><b>Goal reached:</b> no</p>")
    tb_plain = ("Goal: approve the hiring plan\n\nAgenda:\n\n    Plan (15 "
                "min, Chen Ba)\n\nMinutes:\n\nAction items:\n\n    "
                "Revise the plan — Wang Wu — 2023-07-03 — new draft\n\n"
                "Goal reached: no\n")
    from urllib.parse import quote
    ev = vevent(m11["uid"], *m11["occurrences"][0][:2], org=m11["org"],
                attendees=m11["people"][1:],
                extra=["SUMMARY:" + m11["summary"]],
                stamps={"AGENDA": m11["agenda_stamp"],
                        "MINUTES": m11["minutes_stamp"]})
    ev = ev.replace("END:VEVENT", 'DESCRIPTION;ALTREP="data:text/html,%s":%s'
                    "\r\nEND:VEVENT" % (quote(tb_html, safe=""),
                                         esc(tb_plain)))
    f["cal/m11.ics"] = cal(ev)
    # "Goal reached" before any minutes heading is text, not the heading
    m12 = MEETINGS[8]
    f["cal/m12.ics"] = cal(vevent(
        m12["uid"], *m12["occurrences"][0][:2],
        desc="Goal: decide the launch date\nGoal reached: yes\n\nMinutes:\n"
             "The date is open.\n",
        org=m12["org"], attendees=m12["people"][1:],
        extra=["SUMMARY:" + m12["summary"]]))
    f["cal/m9.ics"] = cal(lines(
        "BEGIN:VEVENT", "UID:m9-allday@example.com",
        "DTSTAMP:20230701T000000Z", "DTSTART;VALUE=DATE:20230502",
        "DTEND;VALUE=DATE:20230503", "ORGANIZER:mailto:lisi@example.com",
        "ATTENDEE:mailto:wangwu@example.com", "DESCRIPTION:Minutes: x",
        "END:VEVENT"))
    f["cal/m10.ics"] = cal(vevent(
        "m10-alone@example.com", Z(2023, 5, 3, 2), Z(2023, 5, 3, 3),
        desc="Minutes: alone"))
    f["cal/broken.ics"] = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n"
    f["cal/displayname"] = "Team calendar\n"
    for t in TASKS:
        names = CN_ZH if t["related"] == "m2-cn@example.com" else CN
        f["tasks/%s.ics" % t["uid"]] = cal(vtodo(t, names))
    # t1 again (the owner's own list): counted once
    f["owner-lists/wangwu/t1.ics"] = cal(vtodo(TASKS[0]))
    # a minutes prep task and a VTODO of no kind: not action items
    f["tasks/prep.ics"] = cal(vtodo(
        task("prep-m7", "m7-richtext@example.com", "chenba@example.com",
             due=Z(2023, 4, 27, 9)), kind="minutes"))
    f["tasks/nokind.ics"] = cal(vtodo(
        task("nokind", "m1-budget@example.com", "lisi@example.com",
             due=Z(2023, 4, 27, 9)), kind=None))
    return f


def write(root):
    for rel, text in files().items():
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    with open(os.path.join(root, "departments.ini"), "w",
              encoding="utf-8") as fh:
        fh.write(DEPARTMENTS_FILE)
