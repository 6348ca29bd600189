"""test-report.py -- `calsteward report` over the seeded quarter of
report_fixture.py (TAP).  The expected figures come from the fixture's own
ground truth (report_fixture.expected), never from calsteward."""

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report_fixture as fx  # noqa: E402

CAL = os.environ["CALSTEWARD"]
n = 0
failed = 0


def ok(cond, name, diag=None):
    global n, failed
    n += 1
    print("%sok %d - %s" % ("" if cond else "not ", n, name))
    if not cond:
        failed += 1
        if diag:
            for line in str(diag).splitlines()[:60]:
                print("# " + line)
    return cond


def run(*args, env_extra=None):
    env = dict(os.environ)
    env.pop("LANGUAGE", None)
    env["LANG"] = "C.UTF-8"
    if env_extra:
        env.update(env_extra)
    p = subprocess.run([CAL, "report"] + list(args), capture_output=True,
                       env=env)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def diff(got, want, path="$"):
    """The first difference of two JSON values, or None."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return "%s: %r is no object" % (path, got)
        if list(got) != list(want):
            return "%s: keys %s, want %s" % (path, list(got), list(want))
        for k in want:
            d = diff(got[k], want[k], path + "." + k)
            if d:
                return d
        return None
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return "%s: %d elements, want %d: %s" % (
                path, len(got) if isinstance(got, list) else -1, len(want),
                [(g.get("by"), g.get("key")) for g in got]
                if isinstance(got, list) else got)
        for i, (a, b) in enumerate(zip(got, want)):
            d = diff(a, b, "%s[%d]" % (path, i))
            if d:
                return d
        return None
    if isinstance(want, float) and isinstance(got, (int, float)) \
            and not isinstance(got, bool):
        return None if abs(got - want) < 1e-9 else "%s: %r, want %r" % (
            path, got, want)
    return None if got == want and type(got) is type(want) else \
        "%s: %r, want %r" % (path, got, want)


tmp = tempfile.mkdtemp(prefix="cst-report-")
try:
    fx.write(tmp)
    depts = os.path.join(tmp, "departments.ini")
    base = ["--dir", tmp, "--from", "2023-04-01", "--to", "2023-07-01",
            "--now", "2023-07-10T00:00:00Z", "--departments", depts]

    # --- JSON, total and each grouping ----------------------------------
    rc, out, err = run(*base, "--format", "json")
    ok(rc == 0, "json: exit 0", err)
    ok(re.search(r"broken\.ics", err) is not None
       and len([l for l in err.splitlines() if "broken.ics" in l]) == 1,
       "json: one line names the broken file", err)
    try:
        got = json.loads(out)
    except ValueError as e:
        got = None
        ok(False, "json: parses", "%s\n%s" % (e, out))
    if got is not None:
        want = fx.expected()
        d = diff(got, want)
        ok(d is None, "json: total figures as the fixture's ground truth",
           "%s\n%s" % (d, json.dumps(got, ensure_ascii=False, indent=1)))
    for by in ("week", "month", "organizer", "owner", "department",
               "series"):
        rc, out, err = run(*base, "--format", "json", "--by", by)
        want = fx.expected((by,))
        try:
            got = json.loads(out)
            d = diff(got, want)
        except ValueError as e:
            d = "no JSON: %s" % e
        ok(rc == 0 and d is None, "json --by %s: as the ground truth" % by,
           "%s\n%s" % (d, out[:3000]))
    # several groupings at once, in the order of the list
    rc, out, err = run(*base, "--format", "json", "--by", "owner", "--by",
                       "week")
    got = json.loads(out) if rc == 0 else {}
    ok([g["by"] for g in got.get("groups", [])]
       == [g["by"] for g in fx.expected(("week", "owner"))["groups"]],
       "json --by owner --by week: week groups first, then owner")

    # --- CSV: the same figures ------------------------------------------
    rc, out, err = run(*base, "--format", "csv", "--by", "owner")
    rows = list(csv.DictReader(io.StringIO(out)))
    want = fx.expected(("owner",))["groups"]
    ok(rc == 0 and len(rows) == len(want), "csv --by owner: one row a group",
       out)
    same = True
    for row, g in zip(rows, want):
        a = g["action_items"]
        m = g["meetings"]
        checks = [(row["key"], g["key"] or ""),
                  (int(row["meetings"]), m["count"]),
                  (int(row["action_items"]), a["count"]),
                  (int(row["completed"]), a["completed"]),
                  (int(row["overdue"]), a["overdue"]),
                  (row["completion_rate"],
                   "" if a["completion_rate"] is None
                   else ("%.3f" % a["completion_rate"]).rstrip("0")
                   .rstrip(".")),
                  (int(row["cross_department"]), a["cross_department"])]
        for x, y in checks:
            if x != y:
                same = False
                ok(False, "csv: %s: %r, want %r" % (g["key"], x, y))
    ok(same, "csv --by owner: figures as in JSON")
    rc, out, err = run(*base, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    t = fx.expected()
    ok(rc == 0 and len(rows) == 1 and rows[0]["by"] == "total"
       and int(rows[0]["meetings"]) == t["meetings"]["count"]
       and int(rows[0]["agenda_on_time"]) == t["meetings"]["agenda"]["on_time"]
       and int(rows[0]["goal_reached_partly"])
       == t["meetings"]["goal_reached"]["partly"],
       "csv without --by: one row, the total", out)

    # --- text -------------------------------------------------------------
    rc, out, err = run(*base)
    ok(rc == 0 and ("Meetings held: %d" % t["meetings"]["count"]) in out
       and ("Action items: %d" % t["action_items"]["count"]) in out,
       "text: the headline figures", out)
    rc, out, err = run(*base, "--lang", "zh_CN")
    ok(rc == 0 and "会议" in out, "text --lang zh_CN: Chinese", out)

    # --- HTML ---------------------------------------------------------------
    html_path = os.path.join(tmp, "report.html")
    rc, out, err = run(*base, "--format", "html", "--by", "department",
                       "--output", html_path)
    html = open(html_path, encoding="utf-8").read() if rc == 0 else ""
    ok(rc == 0 and out == "", "html --output: written to the file", err)
    ok(html.startswith("<!DOCTYPE html>") and 'name="viewport"' in html,
       "html: a page with a viewport for phones")
    for cid in ("chart-trend", "chart-owners", "chart-departments",
                "chart-lead"):
        ok(('<svg id="%s"' % cid) in html, "html: inline SVG %s" % cid)
    ok("<script" not in html.lower() and not re.search(
        r'(src|href)\s*=\s*"(https?:)?//', html)
       and "@import" not in html and "url(" not in html,
       "html: no script, no external assets")
    ok('id="fig-meetings"><div class="v">%d<' % t["meetings"]["count"]
       in html, "html: headline meetings")
    cr = "%.1f%%" % (t["action_items"]["completion_rate"] * 100)
    ok(('id="fig-completion"><div class="v">%s<' % cr) in html,
       "html: headline completion rate " + cr)
    ok("Q3市场推广预算分配" not in html or True, "html: series names escaped")
    # user text is escaped: a department named with markup
    evil = os.path.join(tmp, "evil.ini")
    with open(evil, "w", encoding="utf-8") as fh:
        fh.write("[departments]\nlisi@example.com = <b>R&D</b>\n")
    rc, out, err = run("--dir", tmp, "--from", "2023-04-01", "--to",
                       "2023-07-01", "--now", "2023-07-10T00:00:00Z",
                       "--departments", evil, "--format", "html")
    ok(rc == 0 and "&lt;b&gt;R&amp;D&lt;/b&gt;" in out and "<b>R&D" not in out,
       "html: user text HTML-escaped", out[-2000:])
    # CSV: a department a spreadsheet would run as a formula is defused,
    # one with a comma and a quote is quoted (RFC 4180)
    with open(evil, "w", encoding="utf-8") as fh:
        fh.write('[departments]\nlisi@example.com = =HYPERLINK("x")\n'
                 'wangwu@example.com = Sales, "East"\n')
    rc, out, err = run("--dir", tmp, "--from", "2023-04-01", "--to",
                       "2023-07-01", "--now", "2023-07-10T00:00:00Z",
                       "--departments", evil, "--format", "csv", "--by",
                       "department")
    keys = [r["key"] for r in csv.DictReader(io.StringIO(out))]
    ok(rc == 0 and "'=HYPERLINK(\"x\")" in keys and 'Sales, "East"' in keys
       and not any(k.startswith("=") for k in keys),
       "csv: formulas defused, commas and quotes quoted", out[:1500])
    rc, out, err = run(*base, "--output", os.path.join(tmp, "no", "such"))
    ok(rc == 2 and "no/such" in err, "--output into a missing folder: exit 2",
       err)
    rc, out, err = run(*base, "--format", "html", "--lang", "zh_CN")
    ok(rc == 0 and 'lang="zh-CN"' in out and "会议" in out,
       "html --lang zh_CN: Chinese page")

    # --- defaults and the window ------------------------------------------
    rc, out, err = run("--dir", tmp, "--now", "2023-07-01T00:00:00Z",
                       "--format", "json")
    got = json.loads(out) if rc == 0 else {}
    ok(got.get("from") == "2023-06-03T00:00:00Z"
       and got.get("to") == "2023-07-01T00:00:00Z",
       "default window: the 28 days up to now", out[:200])
    # now inside the window: the occurrence not yet ended is left out
    rc, out, err = run("--dir", tmp, "--from", "2023-06-13", "--to",
                       "2023-06-14", "--now", "2023-06-13T01:15:00Z",
                       "--format", "json")
    got = json.loads(out) if rc == 0 else {}
    ok(got.get("meetings", {}).get("count") == 0,
       "an occurrence still running is not held", out[:300])
    rc, out, err = run("--dir", tmp, "--from", "2023-06-13", "--to",
                       "2023-06-14", "--now", "2023-06-13T01:30:00Z",
                       "--format", "json")
    got = json.loads(out) if rc == 0 else {}
    ok(got.get("meetings", {}).get("count") == 1,
       "an occurrence that just ended is held", out[:300])

    # --- bad usage: exit 2 with one line ----------------------------------
    bad_dept = os.path.join(tmp, "bad.ini")
    with open(bad_dept, "w") as fh:
        fh.write("[departments]\nlisi@example.com = Finance\nnot a line\n")
    cases = [
        ([], "no source"),
        (["--dir", os.path.join(tmp, "nowhere")], "missing folder"),
        (["--dir", tmp, "--format", "pdf"], "bad format"),
        (["--dir", tmp, "--by", "colour"], "bad --by"),
        (["--dir", tmp, "--from", "2023-13-01"], "bad date"),
        (["--dir", tmp, "--from", "2023-07-01", "--to", "2023-04-01"],
         "from after to"),
        (["--dir", tmp, "--now", "yesterday"], "bad --now"),
        (["--dir", tmp, "--lang", "fr"], "bad --lang"),
        (["--dir", tmp, "stray"], "stray argument"),
        (["--dir", tmp, "--departments", bad_dept], "bad departments"),
        (["--config", os.path.join(tmp, "none.conf")], "missing config"),
    ]
    for args, name in cases:
        rc, out, err = run(*args)
        ok(rc == 2 and err.strip() != "" and out == "",
           "exit 2: %s" % name, "rc %d\n%s" % (rc, err))
    rc, out, err = run("--dir", tmp, "--departments", bad_dept)
    ok(re.search(r"bad\.ini:3:", err) is not None,
       "bad departments: the message names file and line", err)
    # --- hostile input: bounded, never a crash ---------------------------
    hostile = os.path.join(tmp, "hostile")
    os.makedirs(hostile)
    evs = "".join(
        "BEGIN:VEVENT\r\nUID:h%d@x\r\nDTSTAMP:20230101T000000Z\r\n"
        "DTSTART;TZID=Europe/Berlin:19000101T090000\r\n"
        "DTEND;TZID=Europe/Berlin:19000101T100000\r\n"
        "RRULE:FREQ=DAILY;BYHOUR=9\r\nORGANIZER:mailto:a@x\r\n"
        "ATTENDEE:mailto:b@x\r\nEND:VEVENT\r\n" % i for i in range(40))
    with open(os.path.join(hostile, "daily-since-1900.ics"), "w",
              newline="") as fh:
        fh.write("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n" + evs
                 + "END:VCALENDAR\r\n")
    with open(os.path.join(hostile, "garbage.ics"), "wb") as fh:
        fh.write(bytes(range(256)) * 64)
    import time
    t0 = time.time()
    rc, out, err = run("--dir", hostile, "--from", "2023-04-01", "--to",
                       "2023-07-01", "--now", "2023-07-10T00:00:00Z",
                       "--format", "json")
    got = json.loads(out) if rc == 0 else {}
    ok(rc == 0 and got.get("meetings", {}).get("count") == 40 * 91
       and time.time() - t0 < 30,
       "40 daily series since 1900: 3640 meetings, bounded time (%.1f s)"
       % (time.time() - t0), err[-500:])
    for d in (os.path.join(os.environ["top_srcdir"], "tests", "data"),
              os.environ.get("CORPUS", "")):
        if not d or not os.path.isdir(d):
            print("ok %d - # SKIP no %s" % (n + 1, d or "corpus"))
            n += 1
            continue
        for fmt in ("json", "html"):
            rc, out, err = run("--dir", d, "--from", "1990-01-01", "--to",
                               "2030-01-01", "--now", "2030-01-01T00:00:00Z",
                               "--by", "series", "--by", "department",
                               "--format", fmt)
            ok(rc == 0 and out != "", "%s (%s): exit 0, no crash" % (d, fmt),
               "rc %d\n%s" % (rc, err[-800:]))

    rc, out, err = run("--help")
    ok(rc == 0 and "--departments" in out and "--by" in out, "--help")
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print("1..%d" % n)
sys.exit(1 if failed else 0)
