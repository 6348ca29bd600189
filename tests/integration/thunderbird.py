#!/usr/bin/python3
"""thunderbird.py -- real Thunderbird through Apache + mod_calsteward +
Radicale, driven over Marionette (TAP on stdout).

Run by test-thunderbird.sh, which starts Radicale and Apache (lib.sh),
writes the profile (two CalDAV calendars registered by prefs, disabled)
and starts Thunderbird headless with -marionette.  This script:

  setup   makes /alice/cal/ and /alice/tasks/ on the server, stores
          alice's login in Thunderbird's login manager (so no password
          dialog can block), enables the calendars one after the other;
  1       Thunderbird creates a meeting (organizer alice, 4 attendees, a
          goal and an agenda in DESCRIPTION) with calendar.addItem;
  2       the server holds it processed: X-CALSTEWARD-AGENDA-SENT,
          STRUCTURED-DATA, the timetable block (python3-caldav, straight
          from Radicale);
  3       what Thunderbird holds after its own refresh carries the same;
  4       the organizer adds minutes with action items (modifyItem); after
          refreshes, Thunderbird's task list holds each action item with
          its due date;
  5       a screenshot of the Tasks tab is saved (--artefact);
  6       the editor's path: a second meeting written through
          descriptionHTML (what the event dialog sets), then minutes the
          same way; what Thunderbird shows (descriptionHTML) carries the
          current timetable, and the action item reaches the task list;
  7       the weekly digest: `calsteward sweep` (--calsteward) runs as of
          a day after the due dates; Thunderbird's task list holds one
          digest listing the three overdue items by owner; the items are
          completed in Thunderbird (modifyItem) and after the next sweep
          the digest shows completed.

Everything Thunderbird does here goes through the calendar API in chrome
context -- what the UI's dialogs call -- not through raw HTTP.
"""
import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import time
import traceback
import uuid

import caldav

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from marionette import Marionette, MarionetteError  # noqa: E402

BEGIN = "-- calsteward: generated - edits here are replaced --"
END = "-- end of calsteward --"
REALM = "Radicale - Password Required"      # Radicale's default [auth] realm
TZID = "Asia/Shanghai"                      # no DST: a stable timetable
PLAN = 24


# ---- TAP -------------------------------------------------------------------

class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, *diag, todo=None):
        """todo: the reason a failure is known and not calsteward's (TAP
        "# TODO": automake counts it as XFAIL); a pass stays a plain "ok",
        so that a failure that comes and goes never turns into XPASS."""
        self.n += 1
        line = ("ok" if cond else "not ok") + " %d - %s" % (self.n, name)
        if todo and not cond:
            line += " # TODO " + todo
        print(line)
        if not cond:
            if not todo:
                self.failed += 1
            for d in diag:
                for ln in str(d).splitlines() or [""]:
                    print("#   " + ln)
        sys.stdout.flush()
        return cond

    def diag(self, text):
        for ln in str(text).splitlines() or [""]:
            print("# " + ln)
        sys.stdout.flush()


T = Tap()


# ---- chrome-context JavaScript --------------------------------------------

# Prepended to every script: helpers in the script's own sandbox (the
# chrome window, messenger.xhtml, is the global: cal, CalEvent, CalAttendee,
# Services, setTimeout are there).
JS_LIB = r"""
const CI = Ci.calICalendar;
function observer(handlers) {
  let o = { QueryInterface: ChromeUtils.generateQI(["calIObserver"]) };
  for (let m of ["onStartBatch", "onEndBatch", "onLoad", "onAddItem",
                 "onModifyItem", "onDeleteItem", "onError",
                 "onPropertyChanged", "onPropertyDeleting"]) {
    o[m] = handlers[m] || (() => {});
  }
  return o;
}
// Resolves with "load" once the calendar's (re)load ended, "error ..." on
// an error, "timeout" after ms.  start() triggers the load.
function loaded(calendar, ms, start) {
  return new Promise(resolve => {
    let done = false;
    let obs;
    let finish = why => {
      if (done) return;
      done = true;
      calendar.removeObserver(obs);
      resolve(why);
    };
    obs = observer({
      onLoad: c => { if (c.id == calendar.id) finish("load"); },
      onError: (c, errno, msg) => finish("error " + errno + " " + msg),
    });
    calendar.addObserver(obs);
    setTimeout(() => finish("timeout"), ms);
    start();
  });
}
function plain(item) {
  let due = item.isTodo && item.isTodo() ? item.dueDate : null;
  return {
    id: item.id, title: item.title,
    type: item.isEvent() ? "event" : "todo",
    desc: item.descriptionText,
    html: item.descriptionHTML,
    agendaSent: item.getProperty("X-CALSTEWARD-AGENDA-SENT"),
    minutesSent: item.getProperty("X-CALSTEWARD-MINUTES-SENT"),
    sd: item.getProperty("STRUCTURED-DATA"),
    sdSchema: item.getProperty("STRUCTURED-DATA") ?
      item.getPropertyParameter("STRUCTURED-DATA", "SCHEMA") : null,
    kind: item.getProperty("X-CALSTEWARD-KIND"),
    related: item.getRelations().map(r => r.relId),
    due: due ? due.icalString : null,
    dueIsDate: due ? due.isDate : null,
    isCompleted: item.isTodo && item.isTodo() ? item.isCompleted : null,
    attendees: item.getAttendees().map(a => a.id),
    organizer: item.organizer ? item.organizer.id : null,
  };
}
async function items(calendar, filter) {
  let all = await calendar.getItemsAsArray(filter, 0, null, null);
  return all.map(plain);
}
// A one-hour meeting as the event dialog builds it: organizer alice,
// attendees [[name, CN], ...] at example.com; start is a local
// YYYYMMDDTHHMMSS in zone tzid.  Step 1 asks for replies (RSVP).
function meeting(uid, title, start, tzid, attendees, rsvp) {
  let tz = cal.timezoneService.getTimezone(tzid);
  let ev = new CalEvent();
  ev.id = uid;
  ev.title = title;
  let s = cal.createDateTime(start);
  s.timezone = tz;
  let e = s.clone();
  e.hour += 1;
  ev.startDate = s;
  ev.endDate = e;
  let org = new CalAttendee();
  org.id = "mailto:alice@example.com";
  org.commonName = "Alice";
  org.isOrganizer = true;
  ev.organizer = org;
  for (let [n, cn] of attendees) {
    let at = new CalAttendee();
    at.id = "mailto:" + n + "@example.com";
    at.commonName = cn;
    at.participationStatus = "NEEDS-ACTION";
    if (rsvp) {
      at.role = "REQ-PARTICIPANT";
      at.rsvp = "TRUE";
    }
    ev.addAttendee(at);
  }
  return ev;
}
"""


def js(body):
    """An async script: BODY may await; its return value is the result,
    an exception comes back as {"error": ...}."""
    return (JS_LIB + "\nconst resolve = arguments[arguments.length - 1];\n"
            "const args = Array.from(arguments).slice(0, -1);\n"
            "(async () => {\n" + body + "\n})().then(resolve, e => "
            "resolve({error: String(e), stack: e && e.stack}));\n")


def run(m, body, args=None, timeout=30):
    res = m.execute_async(js(body), args or [], timeout=timeout)
    if isinstance(res, dict) and "error" in res and len(res) <= 2:
        raise RuntimeError("%s\n%s" % (res["error"], res.get("stack") or ""))
    return res


# ---- the meeting ----------------------------------------------------------

def meeting_texts(start):
    """DESCRIPTION before and the minutes added after; the agenda fits the
    hour (10 + 25 + 15 + 10 minutes buffer)."""
    agenda = ("Goal: decide the Q3 budget split\n\n"
              "Agenda:\n"
              "1. Review of last action items (10 min, Alice)\n"
              "2. Q3 budget split (25 min, Bob)\n"
              "3. Hiring plan for H2 (15 min, Carol)\n\n"
              "Materials:\n- budget-q3-draft.xlsx (shared drive)\n")
    d1 = (start + dt.timedelta(days=9)).strftime("%Y-%m-%d")
    d2 = (start + dt.timedelta(days=14)).strftime("%Y-%m-%d")
    nxt = (start + dt.timedelta(days=21)).strftime("%Y-%m-%d")
    minutes = ("Minutes:\n"
               "Decisions:\n- the Q3 split is approved as drafted\n"
               "Action items:\n"
               "- Send the final budget — Bob — %s — spreadsheet on the "
               "drive — high\n"
               "- Draft the H2 hiring plan — Carol — %s — plan document — "
               "medium\n\n"
               "Next meeting: %s\n" % (d1, d2, nxt))
    actions = [("Send the final budget", d1.replace("-", "")),
               ("Draft the H2 hiring plan", d2.replace("-", ""))]
    return agenda, minutes, actions


# Thunderbird 153's CalDAV response handler (modules/caldav/
# CalDavRequestHandlers.sys.mjs, XMLResponseHandler.onDataAvailable)
# decodes every network chunk with a new TextDecoder, without
# {stream: true}: a multi-byte UTF-8 character that straddles two chunks
# (Radicale gzips the REPORT; where the inflated chunks end is chance)
# becomes U+FFFD in what Thunderbird holds.  The timetable's en and em
# dashes are hit in about one run of three.  Not calsteward's bug, and the
# server's copy is right (checked in step 2).
MANGLED = ("Thunderbird 153 decodes each CalDAV response chunk on its own "
           "(XMLResponseHandler.onDataAvailable, no TextDecoder stream): a "
           "character across a chunk boundary became U+FFFD")


def mangled_only(got, want):
    """True when `got` holds every `want` line once each non-ASCII
    character is allowed to be 1-4 U+FFFD (and contains U+FFFD at all)."""
    if "\ufffd" not in got:
        return False
    for w in want:
        pat = "".join(re.escape(c) if ord(c) < 128 else
                      "(?:%s|\ufffd{1,4})" % re.escape(c) for c in w)
        if not re.search(pat, got):
            return False
    return True


def server_event(client, url, uid):
    """The stored object's text (unfolded), read with python3-caldav."""
    c = client.calendar(url=url)
    ev = c.event_by_uid(uid)
    return re.sub(r"\r?\n[ \t]", "", ev.data)


def wait_until(m, what, fetch, pred, limit):
    """Polls fetch() (which itself waits for a refresh to end) until
    pred(result) or `limit` seconds passed; returns (result, seconds)."""
    t0 = time.monotonic()
    res = fetch()
    while not pred(res) and time.monotonic() - t0 < limit:
        time.sleep(0.5)
        res = fetch()
    return res, time.monotonic() - t0


# ---- the test -------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--apache", required=True)
    ap.add_argument("--radicale", required=True)
    ap.add_argument("--marionette-port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True,
                    help="Thunderbird's process id (to notice it dying)")
    ap.add_argument("--access-log", required=True)
    ap.add_argument("--artefact", required=True,
                    help="where the Tasks screenshot (PNG) goes")
    ap.add_argument("--calsteward", required=True,
                    help="the calsteward command, for the sweep's digest")
    ap.add_argument("--tmp", required=True,
                    help="a folder for the sweep's configuration and state")
    a = ap.parse_args()

    def alive():
        try:
            os.kill(a.pid, 0)
            return True
        except OSError:
            return False

    m = Marionette(port=a.marionette_port)
    t0 = time.monotonic()
    try:
        m.connect(timeout=90, alive=alive)
        caps = m.new_session()
        m.set_context("chrome")
    except (OSError, MarionetteError) as x:
        print("1..0 # SKIP thunderbird does not answer on Marionette: %s" % x)
        return 0
    print("1..%d" % PLAN)
    version = (caps.get("capabilities") or {}).get("browserVersion", "?")
    T.ok(True, "thunderbird %s: Marionette session in chrome context "
         "(%.1f s)" % (version, time.monotonic() - t0))
    try:
        steps(m, a)
    except Exception:  # noqa: BLE001 -- report, screenshot, fail
        T.ok(False, "the test ran to its end", traceback.format_exc())
        try:
            base = os.path.splitext(a.artefact)[0]
            os.makedirs(os.path.dirname(base) or ".", exist_ok=True)
            with open(base + "-failure.png", "wb") as f:
                f.write(m.screenshot_png())
            T.diag("failure screenshot: %s-failure.png" % base)
        except Exception as x:  # noqa: BLE001
            T.diag("no failure screenshot: %r" % x)
    m.quit()
    m.close()
    if T.n != PLAN:
        T.diag("ran %d of %d tests" % (T.n, PLAN))
    return 1 if T.failed or T.n != PLAN else 0


def steps(m, a):
    client = caldav.DAVClient(url=a.radicale, username="alice",
                              password="alice-pw")
    principal = client.principal()
    principal.make_calendar(name="cal", cal_id="cal",
                            supported_calendar_component_set=["VEVENT"])
    principal.make_calendar(name="tasks", cal_id="tasks",
                            supported_calendar_component_set=["VTODO"])
    cal_url = a.radicale + "/alice/cal/"

    # -- setup: the login first, then the calendars, one at a time (two
    # 401s within a minute make Thunderbird forget a stored password)
    origin = a.apache        # scheme://host:port, no path
    logins = run(m, r"""
      let [origin, realm] = args;
      let info = Cc["@mozilla.org/login-manager/loginInfo;1"]
        .createInstance(Ci.nsILoginInfo);
      info.init(origin, null, realm, "alice", "alice-pw", "", "");
      await Services.logins.addLoginAsync(info);
      return (await Services.logins.getAllLogins()).map(
        l => [l.origin, l.httpRealm, l.username]);
    """, [origin, REALM])
    T.ok(logins == [[origin, REALM, "alice"]],
         "setup: alice's login stored (origin %s, realm %r)" % (origin, REALM),
         logins)
    enabled = {}
    for cid in ("cst-cal", "cst-tasks"):
        enabled[cid] = run(m, r"""
          let calendar = cal.manager.getCalendarById(args[0]);
          let why = await loaded(calendar, 20000,
                                 () => calendar.setProperty("disabled", false));
          return [why, calendar.getProperty("currentStatus"),
                  calendar.getProperty("disabled")];
        """, [cid], timeout=30)
    T.ok(all(v[0] == "load" and v[1] == 0 and v[2] is False
             for v in enabled.values()),
         "setup: both CalDAV calendars enabled and loaded, no password "
         "prompt", enabled)

    # -- 1: the meeting, created in Thunderbird
    uid = "tb-%s@example.com" % uuid.uuid4()
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=8)))   # Shanghai
    start = (now + dt.timedelta(days=4)).replace(hour=10, minute=0,
                                                 second=0, microsecond=0)
    agenda, minutes, actions = meeting_texts(start)
    added = run(m, r"""
      let [uid, start, tzid, desc] = args;
      let calendar = cal.manager.getCalendarById("cst-cal");
      let ev = meeting(uid, "Q3 budget review", start, tzid,
                       [["bob", "Bob"], ["carol", "Carol"], ["dave", "Dave"],
                        ["erin", "Erin"]], true);
      ev.descriptionText = args[3];
      let added = await calendar.addItem(ev);
      return plain(added);
    """, [uid, start.strftime("%Y%m%dT%H%M%S"), TZID, agenda], timeout=40)
    with open(a.access_log, encoding="utf-8", errors="replace") as f:
        puts = [ln for ln in f if "PUT /alice/cal/" in ln]
    T.ok(added.get("id") == uid and len(added["attendees"]) == 4
         and added["organizer"] == "mailto:alice@example.com"
         and any(re.search(r'" 20[01] ', ln) for ln in puts),
         "1: Thunderbird created the meeting (organizer alice, 4 attendees) "
         "with a PUT through Apache", added, puts)

    # -- 2: what the server holds
    stored = server_event(client, cal_url, uid)
    T.ok(re.search(r"^X-CALSTEWARD-AGENDA-SENT:\d{8}T\d{6}Z$", stored, re.M),
         "2: server: X-CALSTEWARD-AGENDA-SENT stamped", stored)
    T.ok(re.search(r'^STRUCTURED-DATA;[^:]*SCHEMA="urn:calsteward:agenda:1"'
                   r'[^:]*:<agenda ', stored, re.M),
         "2: server: the agenda as STRUCTURED-DATA", stored)
    desc = next((ln for ln in stored.splitlines()
                 if ln.startswith("DESCRIPTION")), "")
    want = [r"10:00–10:10  Review of last action items — Alice",
            r"10:10–10:35  Q3 budget split — Bob",
            r"10:35–10:50  Hiring plan for H2 — Carol",
            r"10:50–11:00  Buffer"]
    T.ok(BEGIN in desc and END in desc and all(w in desc for w in want)
         and "Timetable (%s)" % TZID in desc,
         "2: server: the timetable block at the end of DESCRIPTION", desc)

    # -- 3: what Thunderbird holds after its own refresh
    def fetch(cid, filt):
        return lambda: run(m, r"""
          let [cid, filt] = args;
          let calendar = cal.manager.getCalendarById(cid);
          let why = await loaded(calendar, 10000, () => calendar.refresh());
          return {why, items: await items(calendar, filt)};
        """, [cid, filt], timeout=20)

    def mine(res):
        return next((i for i in res["items"] if i["id"] == uid), None)

    EVENTS, TODOS_ALL = 1 << 3, (1 << 2) | (1 << 0) | (1 << 1)
    # calICalendar: ITEM_FILTER_TYPE_EVENT 8, ITEM_FILTER_TYPE_TODO 4,
    # ITEM_FILTER_COMPLETED_YES 1 | _NO 2 (all tasks, done or not)
    res, secs = wait_until(
        m, "stamp", fetch("cst-cal", EVENTS),
        lambda r: (mine(r) or {}).get("agendaSent"), 60)
    ev = mine(res) or {}
    T.ok(ev.get("agendaSent") and re.search(r"^X-CALSTEWARD-AGENDA-SENT:%s$"
                                            % ev["agendaSent"], stored, re.M),
         "3: Thunderbird, after a refresh, holds the server's "
         "X-CALSTEWARD-AGENDA-SENT (%.1f s)" % secs, ev, res.get("why"))
    tb_desc = ev.get("desc") or ""
    good = (BEGIN in tb_desc and all(w in tb_desc for w in want)
            and ev.get("sdSchema") == "urn:calsteward:agenda:1")
    T.ok(good, "3: Thunderbird holds the timetable and the STRUCTURED-DATA",
         ev, todo=MANGLED if not good and mangled_only(tb_desc, want)
         and ev.get("sdSchema") == "urn:calsteward:agenda:1" else None)

    # -- 4: the organizer adds the minutes in Thunderbird: written where a
    # person would, before the generated block they were told to leave
    modified = run(m, r"""
      let [uid, minutes] = args;
      let calendar = cal.manager.getCalendarById("cst-cal");
      let old = (await calendar.getItemsAsArray(CI.ITEM_FILTER_TYPE_EVENT,
                                                0, null, null))
                .find(i => i.id == uid);
      let nu = old.clone();
      let d = old.descriptionText;
      let at = d.indexOf(args[2]);
      nu.descriptionText = at < 0 ? d + "\n" + minutes :
        d.slice(0, at).replace(/\n*$/, "\n\n") + minutes + "\n" + d.slice(at);
      let done = await calendar.modifyItem(nu, old);
      return plain(done);
    """, [uid, minutes, BEGIN], timeout=40)
    stored = server_event(client, cal_url, uid)
    desc = next((ln for ln in stored.splitlines()
                 if ln.startswith("DESCRIPTION")), "")
    T.ok("Action items:" in desc and desc.count(BEGIN) == 1
         and re.search(r"^X-CALSTEWARD-MINUTES-SENT:", stored, re.M),
         "4: server: the minutes stored, MINUTES-SENT stamped, one "
         "generated block", modified, stored)

    # the module writes the tasks after its response: poll Thunderbird
    def has_actions(r):
        got = {(i["title"], i["due"]) for i in r["items"]
               if i["kind"] == "action-item"}
        return all(x in got for x in actions)
    res, secs = wait_until(m, "tasks", fetch("cst-tasks", TODOS_ALL),
                           has_actions, 60)
    todos = res["items"]
    T.diag("Thunderbird's tasks: %s" % sorted(
        (i["title"], i["due"], i["kind"]) for i in todos))
    for title, due in actions:
        t = next((i for i in todos if i["title"] == title), None)
        T.ok(t is not None and t["due"] == due and t["dueIsDate"]
             and t["kind"] == "action-item" and uid in t["related"],
             "4: Thunderbird's task list: %r due %s (%.1f s)"
             % (title, due, secs), t, todos)
    T.ok(sum(1 for i in todos if i["kind"] == "action-item") == len(actions),
         "4: no other or duplicate action items", todos)

    # -- 5: the Tasks tab, screenshot
    rows = run(m, r"""
      let tabmail = document.getElementById("tabmail");
      tabmail.openTab("tasks");
      // the Today pane (events) off: room for the task list's columns
      document.getElementById("today-pane-panel").setVisible(false, true, true);
      let tasks = cal.manager.getCalendarById("cst-tasks");
      cal.view.getCompositeCalendar(window).defaultCalendar = tasks;
      let all = document.getElementById("opt_all_filter");
      all.closest("radiogroup").selectedItem = all;
      all.doCommand();
      let tree = document.getElementById("calendar-task-tree");
      let want = args[0];
      let t0 = Date.now();
      let titles = () => {
        let out = [];
        for (let i = 0; i < tree.view.rowCount; i++) {
          let it = tree.getTaskAtRow ? tree.getTaskAtRow(i) : null;
          out.push(it ? it.title : "?");
        }
        return out;
      };
      while (Date.now() - t0 < 20000 &&
             !want.every(w => titles().includes(w))) {
        await new Promise(r => setTimeout(r, 200));
      }
      return titles();
    """, [[t for t, _ in actions]], timeout=30)
    os.makedirs(os.path.dirname(a.artefact) or ".", exist_ok=True)
    png = m.screenshot_png()
    with open(a.artefact, "wb") as f:
        f.write(png)
    T.ok(png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10000
         and all(t in rows for t, _ in actions),
         "5: Tasks tab shows the action items; screenshot %s (%d bytes)"
         % (a.artefact, len(png)), rows)

    # -- 6: the editor's path: the organizer writes the agenda through
    # descriptionHTML (what the event dialog sets on save), then the
    # minutes the same way; what Thunderbird shows is that HTML
    uid2 = "tbh-%s@example.com" % uuid.uuid4()
    start2 = start + dt.timedelta(days=1)
    html1 = ("<p><b>Goal:</b> decide the Q3 budget split</p>"
             "<p><b>Agenda:</b></p><ol>"
             "<li>Review of last action items (10 min, Alice)</li>"
             "<li>Q3 budget split (25 min, Bob)</li>"
             "<li>Hiring plan for H2 (15 min, Carol)</li></ol>"
             "<p><b>Materials:</b></p><ul><li>budget-q3-draft.xlsx</li></ul>")
    added = run(m, r"""
      let [uid, start, tzid, html] = args;
      let calendar = cal.manager.getCalendarById("cst-cal");
      let ev = meeting(uid, "Q3 budget review (HTML)", start, tzid,
                       [["bob", "Bob"], ["carol", "Carol"]], false);
      ev.descriptionHTML = html;
      return plain(await calendar.addItem(ev));
    """, [uid2, start2.strftime("%Y%m%dT%H%M%S"), TZID, html1], timeout=40)
    stored = server_event(client, cal_url, uid2)
    T.ok(added.get("id") == uid2 and "ALTREP=" in stored.replace("\r\n ", "")
         and re.search(r'^STRUCTURED-DATA;[^:]*SCHEMA="urn:calsteward:'
                       r'agenda:1"[^:]*:<agenda ', stored, re.M),
         "6: server: the HTML agenda read (STRUCTURED-DATA), ALTREP kept",
         added, stored)
    want_html = ["10:00–10:10&nbsp; Review of last action items — Alice",
                 "10:10–10:35&nbsp; Q3 budget split — Bob",
                 "10:50–11:00&nbsp; Buffer"]

    def mine2(res):
        return next((i for i in res["items"] if i["id"] == uid2), None)
    res, secs = wait_until(
        m, "html stamp", fetch("cst-cal", EVENTS),
        lambda r: (mine2(r) or {}).get("agendaSent"), 60)
    ev2 = mine2(res) or {}
    shown = ev2.get("html") or ""
    T.ok(BEGIN in shown and all(w in shown for w in want_html)
         and shown.count(BEGIN) == 1
         and shown.startswith("<p><b>Goal:</b>"),
         "6: what Thunderbird shows (descriptionHTML) carries the timetable "
         "after its refresh (%.1f s)" % secs, shown,
         todo=MANGLED if BEGIN in shown and mangled_only(shown, want_html)
         else None)
    d3 = (start2 + dt.timedelta(days=9)).strftime("%Y-%m-%d")
    minutes_html = ("<p><b>Minutes:</b></p><p>Action items:</p><ul>"
                    "<li>Book the offsite venue — Carol — %s — a signed "
                    "contract — high</li></ul>" % d3)
    run(m, r"""
      let [uid, minutes] = args;
      let calendar = cal.manager.getCalendarById("cst-cal");
      let old = (await calendar.getItemsAsArray(CI.ITEM_FILTER_TYPE_EVENT,
                                                0, null, null))
                .find(i => i.id == uid);
      let nu = old.clone();
      nu.descriptionHTML = old.descriptionHTML + minutes;
      return plain(await calendar.modifyItem(nu, old));
    """, [uid2, minutes_html], timeout=40)
    stored = server_event(client, cal_url, uid2)
    T.ok(re.search(r"^X-CALSTEWARD-MINUTES-SENT:", stored, re.M),
         "6: server: the minutes typed after the block, in the editor's "
         "HTML, are read (MINUTES-SENT)", stored)
    act = ("Book the offsite venue", d3.replace("-", ""))
    res, secs = wait_until(
        m, "html task", fetch("cst-tasks", TODOS_ALL),
        lambda r: any((i["title"], i["due"]) == act and
                      i["kind"] == "action-item" for i in r["items"]), 60)
    T.ok(any((i["title"], i["due"]) == act for i in res["items"]),
         "6: the action item written in the editor is in Thunderbird's task "
         "list (%.1f s)" % secs, res["items"])
    res, secs = wait_until(
        m, "html block", fetch("cst-cal", EVENTS),
        lambda r: "Action items" in ((mine2(r) or {}).get("html") or "")
        and ((mine2(r) or {}).get("html") or "").count(BEGIN) == 1
        and ((mine2(r) or {}).get("minutesSent")), 60)
    shown = (mine2(res) or {}).get("html") or ""
    tail = shown.split(BEGIN)[-1] if BEGIN in shown else ""
    T.ok(shown.count(BEGIN) == 1 and "Book the offsite venue" in
         shown.split(BEGIN)[0] and "No minutes" not in tail,
         "6: Thunderbird shows one current block, the minutes above it",
         shown)

    # -- 7: the weekly digest: the sweep runs after the items' due dates;
    # Alice sees one task listing them by owner, and once the items are
    # completed in Thunderbird the next sweep completes it
    later = dt.datetime.strptime(max(due for _, due in actions + [act]),
                                 "%Y%m%d") + dt.timedelta(days=1, hours=12)
    sweep_now = later.strftime("%Y-%m-%dT%H:%M:%SZ")
    secret = os.path.join(a.tmp, "alice.secret")
    with open(secret, "w") as f:
        f.write("alice-pw\n")
    os.chmod(secret, 0o600)
    conf = os.path.join(a.tmp, "sweep.conf")
    with open(conf, "w") as f:
        f.write("[account alice]\nurl = %s/\nuser = alice\n"
                "password-file = %s\ncalendars = %s/alice/cal/\n"
                "tasks = %s/alice/tasks/\norganizer = self\n"
                "[state]\ndir = %s\n[sweep]\ntime-zone = %s\n"
                % (a.radicale, secret, a.radicale, a.radicale,
                   os.path.join(a.tmp, "sweep-state"), TZID))

    def sweep():
        p = subprocess.run([a.calsteward, "sweep", "--config", conf,
                            "--now", sweep_now], capture_output=True,
                           text=True, timeout=60)
        return p.returncode, p.stdout + p.stderr

    rc, out = sweep()
    T.ok(rc == 0, "7: the sweep after the due dates exits 0", rc, out)
    owners = {"Send the final budget": "Bob", "Draft the H2 hiring plan":
              "Carol", "Book the offsite venue": "Carol"}

    def digest(r):
        return next((i for i in r["items"] if i["kind"] == "digest"), None)
    res, secs = wait_until(m, "digest", fetch("cst-tasks", TODOS_ALL),
                           lambda r: digest(r) is not None, 60)
    dg = digest(res) or {}
    text = dg.get("desc") or ""
    by_owner = all(re.search(r"^%s <.*>$(?:\n- .*$)*\n- %s — overdue, due "
                             % (who, re.escape(title)), text, re.M)
                   for title, who in owners.items())
    T.ok(dg.get("title") == "Follow up 3 overdue action items" and by_owner
         and not dg.get("isCompleted")
         and sum(1 for i in res["items"] if i["kind"] == "digest") == 1,
         "7: Thunderbird's task list holds one digest, its three overdue "
         "items by owner (%.1f s)" % secs, dg)
    done = run(m, r"""
      let calendar = cal.manager.getCalendarById("cst-tasks");
      let all = await calendar.getItemsAsArray(CI.ITEM_FILTER_TYPE_TODO |
        CI.ITEM_FILTER_COMPLETED_ALL, 0, null, null);
      let out = [];
      for (let old of all) {
        if (old.getProperty("X-CALSTEWARD-KIND") != "action-item") continue;
        let nu = old.clone();
        nu.isCompleted = true;
        out.push(plain(await calendar.modifyItem(nu, old)));
      }
      return out;
    """, timeout=40)
    T.ok(len(done) == 3 and all(i["isCompleted"] for i in done),
         "7: the owners' three items completed in Thunderbird", done)
    rc, out = sweep()
    res, secs = wait_until(
        m, "digest done", fetch("cst-tasks", TODOS_ALL),
        lambda r: (digest(r) or {}).get("isCompleted"), 60)
    dg = digest(res) or {}
    T.ok(rc == 0 and dg.get("isCompleted")
         and dg.get("title") == "Follow up: no overdue action items",
         "7: after the next sweep Thunderbird shows the digest completed "
         "(%.1f s)" % secs, rc, out, dg)

    windows = run(m, r"""
      let out = [];
      for (let w of Services.wm.getEnumerator(null)) {
        out.push(w.location.href);
      }
      return out;
    """)
    T.ok(windows == ["chrome://messenger/content/messenger.xhtml"],
         "no dialog opened (password prompt, first-run wizard)", windows)


if __name__ == "__main__":
    sys.exit(main())
