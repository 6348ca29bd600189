"""report-html.py -- see test-report-html.sh."""

import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report_fixture as fx  # noqa: E402

CAL = os.environ["CALSTEWARD"]
CHROMIUM = os.environ["CHROMIUM"]
n = failed = 0


def ok(cond, name, diag=None):
    global n, failed
    n += 1
    print("%sok %d - %s" % ("" if cond else "not ", n, name))
    if not cond:
        failed += 1
        for line in str(diag or "").splitlines()[:30]:
            print("# " + line)


def chromium(tmp, *args):
    env = dict(os.environ, HOME=tmp)
    p = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-dev-shm-usage", "--no-first-run",
         "--user-data-dir=" + os.path.join(tmp, "profile")] + list(args),
        capture_output=True, env=env, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), \
        p.stderr.decode("utf-8", "replace")


tmp = tempfile.mkdtemp(prefix="cst-report-html-")
try:
    fx.write(tmp)
    want = fx.expected()
    for lang in ("en", "zh_CN"):
        page = os.path.join(tmp, "report-%s.html" % lang)
        p = subprocess.run(
            [CAL, "report", "--dir", tmp, "--from", "2023-04-01", "--to",
             "2023-07-01", "--now", "2023-07-10T00:00:00Z", "--departments",
             os.path.join(tmp, "departments.ini"), "--by", "owner",
             "--format", "html", "--lang", lang, "--output", page],
            capture_output=True)
        ok(p.returncode == 0, "%s: report written" % lang, p.stderr)
        rc, dom, err = chromium(tmp, "--dump-dom", "file://" + page)
        ok(rc == 0 and "<body" in dom, "%s: chromium renders the page" % lang,
           err[-2000:])
        for cid in ("chart-trend", "chart-owners", "chart-departments",
                    "chart-lead"):
            m = re.search(r'<svg id="%s"[^>]*>(.*?)</svg>' % cid, dom, re.S)
            ok(m is not None and "<rect" in m.group(1),
               "%s: DOM holds SVG %s with bars" % (lang, cid))
        ok(len(re.findall(r'<rect class="bar-completion"', dom)) > 0,
           "%s: the weekly trend has completion bars" % lang)
        a = want["action_items"]
        heads = {
            "fig-meetings": str(want["meetings"]["count"]),
            "fig-items": str(a["count"]),
            "fig-completion": "%.1f%%" % (a["completion_rate"] * 100),
            "fig-on-time": "%.1f%%" % (a["on_time_rate"] * 100),
            "fig-overdue": str(a["overdue"]),
        }
        for fid, v in heads.items():
            m = re.search(r'id="%s"><div class="v">([^<]*)<' % fid, dom)
            ok(m is not None and m.group(1) == v,
               "%s: headline %s = %s" % (lang, fid, v),
               m.group(1) if m else "absent")
        ok("<script" not in dom, "%s: no script in the DOM" % lang)
        if lang == "zh_CN":
            ok('lang="zh-CN"' in dom and "行动项" in dom,
               "zh_CN: the page speaks Chinese")
        shot = os.path.join(tmp, "phone-%s.png" % lang)
        rc, out, err = chromium(tmp, "--window-size=390,844",
                                "--hide-scrollbars",
                                "--screenshot=" + shot, "file://" + page)
        good = False
        if rc == 0 and os.path.exists(shot):
            with open(shot, "rb") as fh:
                head = fh.read(24)
            good = head[:8] == b"\x89PNG\r\n\x1a\n" and \
                struct.unpack(">II", head[16:24])[0] == 390 and \
                os.path.getsize(shot) > 5000
        ok(good, "%s: a phone-sized screenshot (390 px wide)" % lang,
           err[-1000:])
        # kept as test artefacts: the phone-sized page, and a desktop one
        # (the screenshot README shows)
        keep = os.path.join(os.environ.get("top_builddir", "."), "tests",
                            "cli", "artefacts")
        os.makedirs(keep, exist_ok=True)
        if good:
            shutil.copy(shot, os.path.join(keep, "report-phone-%s.png" % lang))
        wide = os.path.join(keep, "report-%s.png" % lang)
        rc, out, err = chromium(tmp, "--window-size=1000,1500",
                                "--hide-scrollbars",
                                "--screenshot=" + wide, "file://" + page)
        ok(rc == 0 and os.path.exists(wide) and os.path.getsize(wide) > 5000,
           "%s: a desktop screenshot kept as %s" % (lang, wide), err[-1000:])
finally:
    shutil.rmtree(tmp, ignore_errors=True)
print("1..%d" % n)
sys.exit(1 if failed else 0)
