#!/usr/bin/env python3
"""richtext.py -- the description as clients really store it (spec
section 2 "Rich text", section 4), through `calsteward check`, `process`
and `tasks` (TAP; run by test-richtext.sh).

tests/data/richtext/ holds the same meeting as Thunderbird (ALTREP HTML
and its lossy plain copy), Google (HTML inside DESCRIPTION, with lists
and with <br> only), Outlook (plain + X-ALT-DESC, X-ALT-DESC alone,
"1.<tab>" and "·<tab>" markers) and Apple (plain) write it, and the plain
reference.  Every form must read exactly as the plain text does, carry
the block after processing, and keep the organizer's words when the
block is edited by hand.
"""
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

CAL = os.environ["CALSTEWARD"]
D = os.path.join(os.environ["top_srcdir"], "tests", "data", "richtext")
NOW = "2027-01-01T00:00:00Z"
BEGIN = "-- calsteward: generated - edits here are replaced --"
END = "-- end of calsteward --"
n = failed = 0


def ok(cond, name, *diag):
    global n, failed
    n += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (n, name))
    if not cond:
        failed += 1
        for d in diag:
            for ln in str(d).splitlines()[:40]:
                print("#   " + ln)


TMP = tempfile.mkdtemp()


def run(cmd, path, now=NOW, data=None):
    if data is not None:
        path = os.path.join(TMP, "in.ics")
        with open(path, "wb") as fh:
            fh.write(data)
    args = [CAL, cmd, "--now", now, path]
    r = subprocess.run(args, capture_output=True, timeout=60)
    return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode()


def findings(path, now=NOW):
    rc, out, _ = run("check", path, now)
    return [ln.split(": ", 1)[1] for ln in out.splitlines() if ": " in ln]


def unfold(text):
    return re.sub(r"\r?\n[ \t]", "", text)


def prop(text, name):
    """The values (with parameters) of NAME in the unfolded text."""
    return [m.group(1) for m in
            re.finditer(r"^%s([;:].*)$" % re.escape(name), unfold(text),
                        re.M)]


def untext(v):
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN"
                  else m.group(1), v)


def value(p):
    """The value of a content line's tail (after the parameters)."""
    q = False
    for i, c in enumerate(p):
        if c == '"':
            q = not q
        elif c == ":" and not q:
            return p[i + 1:]
    return ""


def altrep_html(text):
    d = prop(text, "DESCRIPTION")
    m = re.search(r'ALTREP="data:text/html,([^"]*)"', d[0]) if d else None
    return urllib.parse.unquote(m.group(1)) if m else None


def xalt_html(text):
    x = prop(text, "X-ALT-DESC")
    return untext(value(x[0])) if x else None


def plain(text):
    d = prop(text, "DESCRIPTION")
    return untext(value(d[0])) if d else ""


def f(name):
    return os.path.join(D, name + ".ics")


def process(name_or_data, now=NOW):
    if isinstance(name_or_data, bytes):
        rc, out, err = run("process", None, now, name_or_data)
    else:
        rc, out, err = run("process", f(name_or_data), now)
    if not out:  # unchanged: the input is the output
        if isinstance(name_or_data, bytes):
            return name_or_data.decode("utf-8")
        with open(f(name_or_data), encoding="utf-8") as fh:
            return fh.read()
    return out


ref = findings(f("plain-reference"))
ref_sd = prop(process("plain-reference"), "STRUCTURED-DATA")
ok(len(ref) == 2 and any("materials-missing" in x for x in ref)
   and len(ref_sd) == 1 and ref_sd[0].count("<item ") == 3,
   "reference: the plain agenda reads as 3 items", ref, ref_sd)

FORMS = ["thunderbird-altrep", "google-html-lists", "google-html-br",
         "outlook-xaltdesc", "outlook-xaltdesc-only", "outlook-bullets"]
for name in FORMS:
    got = findings(f(name))
    ok(got == ref, "%s: check finds what it finds in the plain text" % name,
       "got:  %r" % got, "want: %r" % ref)
    out = process(name)
    sd = prop(out, "STRUCTURED-DATA")
    ok(sd == ref_sd, "%s: the same agenda as STRUCTURED-DATA" % name,
       sd, ref_sd)
    again = process(out.encode())
    ok(again == out, "%s: processing it again changes nothing" % name,
       out[-1500:], again[-1500:])

# every form a client shows carries the block
out = process("thunderbird-altrep")
h = altrep_html(out)
ok(h is not None and h.startswith("<p><b>Goal:</b> decide the Q3 budget")
   and '<div class="calsteward">' + BEGIN in h and "Timetable" in h
   and h.rstrip().endswith(END + "</div>"),
   "thunderbird: the ALTREP HTML keeps the organizer's HTML and gains the "
   "block", h)
ok(BEGIN in plain(out) and "10:10\u201310:40  Budget split \u2014 Bob"
   in plain(out), "thunderbird: the plain DESCRIPTION has the timetable",
   plain(out))
for name in ("google-html-lists", "google-html-br"):
    out = process(name)
    p = plain(out)
    ok('<div class="calsteward">' + BEGIN in p and "\n" + BEGIN not in p
       and "<br>10:10\u201310:40&nbsp; Budget split" in p,
       "%s: the block goes into the HTML as HTML, no plain lines" % name, p)
out = process("outlook-xaltdesc")
ok('<div class="calsteward">' in (xalt_html(out) or "")
   and BEGIN in plain(out),
   "outlook: X-ALT-DESC and DESCRIPTION both carry the block",
   xalt_html(out), plain(out))
out = process("outlook-xaltdesc-only")
ok('<div class="calsteward">' in (xalt_html(out) or "")
   and "goal" not in plain(out).lower()
   and "No agenda" not in (xalt_html(out) or ""),
   "outlook X-ALT-DESC only: no claim of a missing goal or agenda",
   xalt_html(out), plain(out))

# Apple: what calsteward does not own stays byte for byte
with open(f("apple-plain"), encoding="utf-8", newline="") as fh:
    src = fh.read()
out = process("apple-plain")
for pat in ("X-APPLE-STRUCTURED-LOCATION", "ATTACH"):
    a = [x for x in re.split(r"\r\n(?! )", src) if x.startswith(pat)]
    b = [x for x in re.split(r"\r\n(?! )", out) if x.startswith(pat)]
    ok(a and a == b, "apple: %s byte for byte" % pat, a, b)
ok(findings(f("apple-plain")) == [x for x in ref
                                  if "materials-missing" not in x],
   "apple: ATTACH counts as materials, the rest as plain",
   findings(f("apple-plain")))

# minutes in Thunderbird's HTML become tasks
rc, out, err = run("tasks", f("thunderbird-minutes"), "2026-12-01T12:00:00Z")
sums = re.findall(r"^SUMMARY:(.*?)\r?$", out, re.M)
ok("Send the final budget" in sums and "Draft the hiring plan" in sums,
   "thunderbird minutes: both action items of the HTML list are tasks",
   sums, err)

# hand edits of the block never cost a word -- plain and HTML
out = process("thunderbird-altrep")
typed = ("Minutes:\nAction items:\n- Call the vendor \u2014 Carol \u2014 "
         "2027-01-20 \u2014 notes shared \u2014 low")


def edit_plain(text, fn):
    """text with DESCRIPTION's plain value changed by fn (unescaped)."""
    lines = re.split(r"\r\n(?! )", unfold(text).replace("\n", "\r\n"))
    res = []
    for ln in lines:
        if ln.startswith("DESCRIPTION"):
            head = ln[:len(ln) - len(value(ln))]
            v = fn(untext(value(ln)))
            v = (v.replace("\\", "\\\\").replace(";", "\\;")
                 .replace(",", "\\,").replace("\n", "\\n"))
            ln = head + v
        res.append(ln)
    return "\r\n".join(res)


def drop_altrep(text):
    return re.sub(r';ALTREP="[^"]*"', "", text)


base = drop_altrep(unfold(out).replace("\n", "\r\n").replace("\r\r", "\r"))
cases = [
    ("minutes typed inside the block", True,
     lambda v: v.replace("Timetable:", "Timetable:\n" + typed)),
    ("the end marker deleted, minutes after it", True,
     lambda v: v.replace(END, typed)),
    ("the start marker deleted", False,
     lambda v: v.replace(BEGIN + "\n", "")),
]
for name, typed_in, fn in cases:
    body = edit_plain(base, fn).encode()
    res = process(body)
    p = plain(res)
    org = p.split(BEGIN)[0]
    ok((not typed_in or "Call the vendor" in org) and p.count(BEGIN) == 1
       and p.count(END) == 1 and org.startswith("Goal: decide the Q3"),
       "plain, %s: one block, the organizer's lines above it" % name, p)
    rc, fo, _ = run("check", None, NOW, body)
    got = [x.split(": ", 1)[1] for x in fo.splitlines() if ": " in x]
    ok(got == ref,
       "plain, %s: read as before, no timetable line as an agenda item"
       % name, got, ref)
    if typed_in:
        rc, to, _ = run("tasks", None, "2027-01-11T00:00:00Z", body)
        ok("SUMMARY:Call the vendor" in to,
           "plain, %s: the typed action item is a task" % name, to[-800:])

# the same inside Thunderbird's HTML block
h = altrep_html(out)
h2 = h.replace("Timetable:<br>", "Timetable:<br>" + typed.replace(
    "\n", "<br>") + "<br>")
enc = urllib.parse.quote(h2, safe="-_.!~*'()")
body = re.sub(r'ALTREP="data:text/html,[^"]*"',
              lambda m: 'ALTREP="data:text/html,%s"' % enc,
              unfold(out)).encode()
res = process(body)
hh = altrep_html(res) or ""
org = hh.split(BEGIN)[0]
ok(hh.count(BEGIN) == 1 and "Call the vendor" in org
   and org.startswith("<p><b>Goal:</b>"),
   "html, minutes typed inside the block: kept above the new block", hh)

print("1..%d" % n)
sys.exit(0)
