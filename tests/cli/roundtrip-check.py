#!/usr/bin/env python3
"""roundtrip-check.py [--rng FILE] OLD NEW

Checks that NEW (what `calsteward process` printed for OLD) differs from
OLD only where calsteward owns the text (spec section 4).  Python 3
standard library only (xmllint, when it is there, validates the agenda XML
against --rng).

  - Both are split into content lines (a physical line and its folded
    continuations).  Directly inside a VEVENT, calsteward owns
    X-CALSTEWARD-{AGENDA,MATERIALS,MINUTES}-SENT, DESCRIPTION and
    STRUCTURED-DATA with SCHEMA="urn:calsteward:agenda:1".  Every other
    content line must be there in the same order with the same raw bytes:
    folding, line ends, parameter order.
  - A file without a meeting (spec section 1, judged here on its own) must
    be byte-identical.
  - Stamps that OLD has are in NEW unchanged (never moved); new stamps are
    UTC DATE-TIMEs.
  - Per VEVENT, NEW's DESCRIPTION value starts with OLD's organizer part
    (OLD's value without a generated block); when OLD had no block, NEW's
    raw content line starts with OLD's raw bytes (the organizer's folding
    kept).  NEW holds at most one block, at the end of the value.
  - Our STRUCTURED-DATA is well-formed XML whose root is
    {urn:calsteward:agenda:1}agenda (and valid against --rng).
  - Lines added use OLD's line ends.

Exit 0 and one line of counts on stdout ("meeting=1 changed=1 stamps=2
sd=1 desc=1"), or exit 1 and the first problem on stdout.
"""

import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

NS = "urn:calsteward:agenda:1"
STAMPS = {
    "X-CALSTEWARD-AGENDA-SENT",
    "X-CALSTEWARD-MATERIALS-SENT",
    "X-CALSTEWARD-MINUTES-SENT",
}
BEGIN_MARK = "-- calsteward: generated"
BLOCK_BEGIN = "-- calsteward: generated - edits here are replaced --"
BLOCK_END = "-- end of calsteward --"

PHYS = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
NAME = re.compile(r"^([A-Za-z0-9-]+)[;:]")


class Problem(Exception):
    pass


class Line:
    """One content line: raw bytes (folds and line end) and unfolded."""

    def __init__(self, raw, text, lineno):
        self.raw = raw
        self.text = text
        self.lineno = lineno
        m = NAME.match(text)
        self.name = m.group(1).upper() if m else None
        self.comp = None        # innermost component holding it
        self.vevent = -1        # index of the VEVENT it is directly in

    def head_value(self):
        """(name and parameters, value): split at the first ':' outside
        double quotes."""
        q = False
        for i, c in enumerate(self.text):
            if c == '"':
                q = not q
            elif c == ":" and not q:
                return self.text[:i], self.text[i + 1:]
        return self.text, ""

    def param(self, name):
        head = self.head_value()[0]
        for m in re.finditer(r';([A-Za-z0-9-]+)=("[^"]*"|[^;:]*)', head):
            if m.group(1).upper() == name:
                return m.group(2).strip('"')
        return None


def eol_of(b):
    if b.endswith(b"\r\n"):
        return b"\r\n"
    if b.endswith(b"\n"):
        return b"\n"
    if b.endswith(b"\r"):
        return b"\r"
    return b""


def content_lines(data):
    phys = PHYS.findall(data)
    if b"".join(phys) != data:
        raise Problem("could not split into lines")
    groups = []
    for p in phys:
        if groups and p[:1] in (b" ", b"\t") and eol_of(groups[-1][-1]):
            groups[-1].append(p)
        else:
            groups.append([p])
    lines = []
    lineno = 1
    for g in groups:
        parts = [g[0][: len(g[0]) - len(eol_of(g[0]))]]
        for p in g[1:]:
            parts.append(p[1: len(p) - len(eol_of(p))])
        text = b"".join(parts)
        if lineno == 1 and text.startswith(b"\xef\xbb\xbf"):
            text = text[3:]
        lines.append(Line(b"".join(g), text.decode("utf-8", "replace"),
                          lineno))
        lineno += len(g)
    # components
    stack = []
    n_vevent = -1
    for ln in lines:
        if ln.name == "BEGIN":
            comp = ln.head_value()[1].strip().upper()
            stack.append(comp)
            if comp == "VEVENT":
                n_vevent += 1
            ln.comp = stack[-2] if len(stack) > 1 else None
            continue
        if ln.name == "END":
            ln.comp = stack[-1] if stack else None
            if stack:
                stack.pop()
            continue
        ln.comp = stack[-1] if stack else None
        ln.vevent = n_vevent if ln.comp == "VEVENT" else -1
    return lines


def owned(ln):
    if ln.comp != "VEVENT" or ln.name is None:
        return False
    if ln.name in STAMPS or ln.name == "DESCRIPTION":
        return True
    return ln.name == "STRUCTURED-DATA" and ln.param("SCHEMA") == NS


def unescape(v):
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN"
                  else m.group(1), v)


def organizer_part(v):
    """The escaped value without a generated block and the (at most two)
    line breaks written before it."""
    i = v.find(BEGIN_MARK)
    if i < 0:
        return v, False
    cut = v[:i]
    for _ in range(2):
        if cut.endswith("\\n") or cut.endswith("\\N"):
            cut = cut[:-2]
    return cut, True


def raw_prefix(ln, k):
    """Raw bytes of ln up to unfolded index k of its value (the folds
    before that byte included)."""
    head = ln.head_value()[0]
    want = len((head + ":" + ln.head_value()[1][:k]).encode("utf-8"))
    raw = ln.raw
    out = bytearray()
    i = 0
    got = 0
    if raw.startswith(b"\xef\xbb\xbf"):
        out += raw[:3]
        i = 3
    while got < want and i < len(raw):
        e = 0
        if raw[i:i + 2] == b"\r\n":
            e = 2
        elif raw[i:i + 1] in (b"\r", b"\n"):
            e = 1
        if e and raw[i + e:i + e + 1] in (b" ", b"\t"):
            out += raw[i:i + e + 1]
            i += e + 1
            continue
        out.append(raw[i])
        i += 1
        got += 1
    return bytes(out)


def is_meeting_file(lines):
    """Spec section 1, judged on the text: an ORGANIZER, an ATTENDEE with
    another address, a DATE-TIME DTSTART, not CANCELLED."""
    def addr(v):
        v = v.strip()
        if v.lower().startswith("mailto:"):
            v = v[7:]
        return v.lower()

    events = {}
    for ln in lines:
        if ln.vevent < 0:
            continue
        ev = events.setdefault(ln.vevent, {"org": None, "att": [],
                                           "dt": False, "cancel": False})
        value = ln.head_value()[1]
        if ln.name == "ORGANIZER":
            ev["org"] = addr(value)
        elif ln.name == "ATTENDEE":
            ev["att"].append(addr(value))
        elif ln.name == "DTSTART":
            ev["dt"] = ((ln.param("VALUE") or "").upper() != "DATE"
                        and "T" in value.upper())
        elif ln.name == "STATUS":
            ev["cancel"] = value.strip().upper() == "CANCELLED"
    for ev in events.values():
        if (ev["org"] and ev["dt"] and not ev["cancel"]
                and any(a and a != ev["org"] for a in ev["att"])):
            return True
    return False


def check(old, new, rng):
    lo = content_lines(old)
    ln_ = content_lines(new)
    meeting = is_meeting_file(lo)
    counts = {"stamps": 0, "sd": 0, "desc": 0}

    if not meeting and old != new:
        raise Problem("no meeting, but the output differs from the input")

    # everything not owned: the same raw bytes in the same order
    a = [x for x in lo if not owned(x)]
    b = [x for x in ln_ if not owned(x)]
    for x, y in zip(a, b):
        if x.raw != y.raw:
            raise Problem("line %d changed: %r -> %r (output line %d)"
                          % (x.lineno, x.raw[:120], y.raw[:120], y.lineno))
    if len(a) != len(b):
        raise Problem("%d lines not owned by calsteward in, %d out"
                      % (len(a), len(b)))

    # line ends: added lines use the input's
    ends_old = {eol_of(p) for p in PHYS.findall(old)} - {b""}
    ends_new = {eol_of(p) for p in PHYS.findall(new)} - {b""}
    if ends_old and not ends_new <= ends_old:
        raise Problem("line ends %r appear, the input has only %r"
                      % (sorted(ends_new - ends_old), sorted(ends_old)))

    n_ev = 1 + max([x.vevent for x in lo] + [-1])
    xmls = []
    for v in range(n_ev):
        old_ev = [x for x in lo if x.vevent == v and owned(x)]
        new_ev = [x for x in ln_ if x.vevent == v and owned(x)]

        # stamps: never moved, new ones are UTC DATE-TIMEs
        for name in sorted(STAMPS):
            os_ = [x for x in old_ev if x.name == name]
            ns_ = [x for x in new_ev if x.name == name]
            if os_ and [x.raw for x in os_] != [x.raw for x in ns_]:
                raise Problem("event %d: %s moved" % (v, name))
            if not os_ and len(ns_) > 1:
                raise Problem("event %d: %s doubled" % (v, name))
            for x in ns_[len(os_):]:
                if not re.fullmatch(r"\d{8}T\d{6}Z", x.head_value()[1]):
                    raise Problem("event %d: %s = %r" % (v, name,
                                                         x.head_value()[1]))
                counts["stamps"] += 1

        # DESCRIPTION
        od = [x for x in old_ev if x.name == "DESCRIPTION"]
        nd = [x for x in new_ev if x.name == "DESCRIPTION"]
        if len(nd) > max(1, len(od)):
            raise Problem("event %d: more DESCRIPTIONs than before" % v)
        if [x.raw for x in od[1:]] != [x.raw for x in nd[1:]]:
            raise Problem("event %d: a second DESCRIPTION changed" % v)
        ov = od[0].head_value()[1] if od else ""
        org, had_block = organizer_part(ov)
        if nd:
            nv = nd[0].head_value()[1]
            if od and od[0].head_value()[0] != nd[0].head_value()[0]:
                raise Problem("event %d: DESCRIPTION's parameters changed" % v)
            if not nv.startswith(org):
                raise Problem("event %d: DESCRIPTION lost the organizer's "
                              "text: %r -> %r" % (v, org[-80:],
                                                  nv[:len(org)][-80:]))
            if od and not had_block:
                keep = raw_prefix(od[0], len(org))
                if not nd[0].raw.startswith(keep):
                    raise Problem("event %d: the organizer's DESCRIPTION "
                                  "bytes or folding changed" % v)
            if nv.count(BEGIN_MARK) > 1:
                raise Problem("event %d: %d blocks" % (v,
                                                       nv.count(BEGIN_MARK)))
            if BEGIN_MARK in nv:
                # HTML (Google's DESCRIPTION): the block is a <div> at the
                # end of the body
                tail = re.sub(r"(</div>|</body>|</html>|\s)*$", "", nv)
                if not tail.endswith(BLOCK_END):
                    raise Problem("event %d: the block is not at the end" % v)
                if BLOCK_BEGIN not in nv:
                    raise Problem("event %d: a mangled begin marker" % v)
            elif not od:
                raise Problem("event %d: a DESCRIPTION without a block "
                              "added" % v)
            if not od or od[0].raw != nd[0].raw:
                counts["desc"] += 1
        elif od:
            if unescape(org).strip():
                raise Problem("event %d: DESCRIPTION with the organizer's "
                              "text removed" % v)
            counts["desc"] += 1

        # our STRUCTURED-DATA
        osd = [x for x in old_ev if x.name == "STRUCTURED-DATA"]
        nsd = [x for x in new_ev if x.name == "STRUCTURED-DATA"]
        if len(nsd) > 1:
            raise Problem("event %d: %d STRUCTURED-DATA of ours"
                          % (v, len(nsd)))
        for x in nsd:
            if x.head_value()[0] != ("STRUCTURED-DATA;VALUE=TEXT;"
                                     "FMTTYPE=application/xml;SCHEMA=\""
                                     + NS + "\""):
                raise Problem("event %d: STRUCTURED-DATA head %r"
                              % (v, x.head_value()[0]))
            doc = unescape(x.head_value()[1])
            try:
                root = ET.fromstring(doc.encode("utf-8"))
            except ET.ParseError as e:
                raise Problem("event %d: agenda XML: %s" % (v, e))
            if root.tag != "{%s}agenda" % NS:
                raise Problem("event %d: agenda XML root %s" % (v, root.tag))
            xmls.append(doc)
        if [x.raw for x in osd] != [x.raw for x in nsd]:
            counts["sd"] += 1

    if xmls and rng and shutil.which("xmllint"):
        with tempfile.TemporaryDirectory() as d:
            files = []
            for i, doc in enumerate(xmls):
                f = "%s/agenda-%d.xml" % (d, i)
                with open(f, "w", encoding="utf-8") as fh:
                    fh.write(doc)
                files.append(f)
            r = subprocess.run(["xmllint", "--noout", "--relaxng", rng]
                               + files, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
            if r.returncode != 0:
                raise Problem("agenda XML not valid against %s: %s" % (
                    rng, r.stdout.decode("utf-8", "replace").strip()
                    .splitlines()[0]))

    return "meeting=%d changed=%d stamps=%d sd=%d desc=%d" % (
        meeting, old != new, counts["stamps"], counts["sd"], counts["desc"])


def main(argv):
    rng = None
    if len(argv) >= 2 and argv[0] == "--rng":
        rng = argv[1]
        argv = argv[2:]
    if len(argv) != 2:
        print("usage: roundtrip-check.py [--rng FILE] OLD NEW")
        return 2
    with open(argv[0], "rb") as f:
        old = f.read()
    with open(argv[1], "rb") as f:
        new = f.read()
    try:
        print(check(old, new, rng))
    except Problem as e:
        print(e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
