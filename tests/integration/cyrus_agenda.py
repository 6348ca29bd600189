#!/usr/bin/python3
"""cyrus_agenda.py -- scenarios.py on Cyrus IMAP, plus what Cyrus does to
the agenda (TAP on stdout).  Run by test-plugin-cyrus.sh with the same
arguments as scenarios.py.

Cyrus re-serialises every object it stores through libical 3.0.  The
extra step "cyrus-agenda" shows, against the real server:
  * with the default policy (agenda-property = structured-data, the
    collection plain/), the module sends STRUCTURED-DATA (seen at the echo
    backend, /echo/plain/) and Cyrus stores the event without it -- and
    without the SCHEMA parameter's property at all -- while the stamps, the
    timetable block and the client's X- property survive;
  * with agenda-property = x-property (the policy at /, the collection
    cal/), Cyrus keeps X-CALSTEWARD-AGENDA with the very value the module
    sent, also for a topic with ',' and ';' (which libical 3.0 would split
    or unescape in a TEXT value: the module writes ',' as &#44;), and the
    XML read back holds the agenda.
"""
import sys
import uuid
import xml.dom.minidom

import scenarios as S
from scenarios import T


def xml_of(line):
    """The XML of an unfolded agenda property line, TEXT escapes undone."""
    value = line.split(":", 1)[1]
    # the parameters hold no ':' (VALUE, FMTTYPE, SCHEMA in quotes)
    return S.untext(value)


def topics(xml_text):
    doc = xml.dom.minidom.parseString(xml_text.encode("utf-8"))
    return [t.firstChild.data if t.firstChild else ""
            for t in doc.getElementsByTagName("topic")]


def s_cyrus_agenda(e, client):
    body = (b'<?xml version="1.0" encoding="utf-8"?>'
            b'<C:mkcalendar xmlns:D="DAV:" '
            b'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>'
            b'<D:displayname>plain</D:displayname></D:prop></D:set>'
            b'</C:mkcalendar>')
    r = e.D.request("MKCALENDAR", e.col("plain"), body,
                    {"Content-Type": "application/xml"})
    T.eq(r.status, 201, "cyrus: MKCALENDAR %s" % e.col("plain"), r)

    # 1. the default policy: STRUCTURED-DATA sent, and dropped by Cyrus
    uid = "cy-sd-%s@example.com" % uuid.uuid4()
    ev = S.meeting(uid)
    S.put(e.A, "/echo/plain/%s.ics" % uid, ev)
    sent = e.echo.seen.get("/echo/plain/%s.ics" % uid, (b"", {}))[0]
    sent_t = sent.decode("utf-8", "replace")
    sd_sent = [ln for ln in S.props_raw(sent_t, "STRUCTURED-DATA")
               if S.SCHEMA in ln]
    T.ok(len(sd_sent) == 1 and not S.props_raw(sent_t, S.XPROP),
         "cyrus: default policy: the module sends STRUCTURED-DATA", sent_t)
    p = e.col("plain") + "%s.ics" % uid
    r = S.put(e.A, p, ev, headers={"If-None-Match": "*"})
    g = e.stored(p)
    text = g.body.decode("utf-8", "replace")
    T.ok(r.status == 201 and g.status == 200,
         "cyrus: default policy: stored through Apache", r, g)
    T.ok(not S.props_raw(text, "STRUCTURED-DATA") and S.SCHEMA not in text
         and not S.props_raw(text, S.XPROP),
         "cyrus: default policy: Cyrus stores no STRUCTURED-DATA (libical "
         "3.0 drops it): the agenda is lost", text)
    desc = S.untext((S.prop(text, "DESCRIPTION") or [""])[0])
    T.ok(S.BEGIN in desc and len(S.prop(text, "X-CALSTEWARD-AGENDA-SENT")) == 1
         and S.prop(text, "X-UNKNOWN-CLIENT-PROP") == ["kept as it is"],
         "cyrus: default policy: the timetable block, the stamp and X- "
         "properties survive", text)
    # the same bytes straight into Cyrus: the same loss, not the module's
    # (a new UID: Cyrus allows one scheduling object per UID in a home)
    uid2 = "cy-sd2-%s@example.com" % uuid.uuid4()
    p2 = e.col("plain") + "%s.ics" % uid2
    rd = S.put(e.D, p2, sent.replace(uid.encode(), uid2.encode()))
    gd = e.stored(p2)
    T.ok(rd.status == 201
         and not S.props_raw(gd.body.decode("utf-8", "replace"),
                             "STRUCTURED-DATA"),
         "cyrus: STRUCTURED-DATA PUT straight into Cyrus is dropped too",
         rd, gd.body)

    # 2. x-property: the agenda survives, byte for byte, ',' and ';' too
    uid = "cy-x-%s@example.com" % uuid.uuid4()
    ev = S.meeting(uid).replace(b"2. Budget split (30 min",
                                b"2. Budget split\\; Q3\\, Q4 (30 min")
    S.put(e.A, "/echo/%s.ics" % uid, ev)
    sent_t = e.echo.seen.get("/echo/%s.ics" % uid,
                             (b"", {}))[0].decode("utf-8", "replace")
    x_sent = S.props_raw(sent_t, S.XPROP)
    T.ok(len(x_sent) == 1 and not S.props_raw(sent_t, "STRUCTURED-DATA")
         and x_sent[0].startswith(S.XPROP + ";VALUE=TEXT;"
                                  "FMTTYPE=application/xml:<agenda "),
         "cyrus: x-property: the module sends X-CALSTEWARD-AGENDA",
         sent_t)
    p = e.col("cal") + "%s.ics" % uid
    r = S.put(e.A, p, ev, headers={"If-None-Match": "*"})
    g = e.stored(p)
    text = g.body.decode("utf-8", "replace")
    x_stored = S.props_raw(text, S.XPROP)
    T.ok(r.status == 201 and x_stored == x_sent,
         "cyrus: x-property: Cyrus keeps X-CALSTEWARD-AGENDA as sent", r,
         "sent:   %r" % x_sent, "stored: %r" % x_stored)
    try:
        got = topics(xml_of(x_stored[0])) if x_stored else None
    except Exception as x:  # noqa: BLE001 -- not XML fails the case
        got = repr(x)
    T.eq(got, ["Review of last action items", "Budget split; Q3, Q4"],
         "cyrus: x-property: the stored XML reads back, ',' and ';' in a "
         "topic")
    # the client saves Cyrus' copy back: nothing for the module to change
    r2 = S.put(e.A, p, g.body, headers={"If-Match": g.h("etag")})
    g2 = e.stored(p)
    T.ok(r2.status in (200, 201, 204) and g2.body == g.body
         and S.props_raw(g2.body.decode(), S.XPROP) == x_sent,
         "cyrus: x-property: Cyrus' copy saved back stays as it was", r2,
         g2.body)


if __name__ == "__main__":
    sys.exit(S.main(extra=[("cyrus-agenda", s_cyrus_agenda)]))
