#!/usr/bin/python3
"""replay.py -- a replay HTTP server for the CalDAV client cases, in the
spirit of curl's tests/data: each case file holds the replies the server
gives and the requests the client must send.

    replay.py serve CASE LOG [SECTION]
                                 serve CASE's replies (SECTION, default
                                 "reply") on 127.0.0.1:<any>, print the
                                 port, record requests in LOG
    replay.py section CASE NAME PORT
                                 print a section (%CR, %NONL, %PORT done)
    replay.py check CASE LOG OUT PORT [LOG2]
                                 compare LOG with expect-request, LOG2
                                 with expect-request2 and the driver's OUT
                                 with expect-result

A case file is a list of sections, each opened by a line "--- NAME":

    name            one line: what the case is about
    client          key=value lines for caldav-driver (one per line)
    client-body     the request body the client sends (body-file=)
    reply           one per request, in order: status line, headers, an
                    empty line, the body.  Content-Length is added unless
                    given.  Pseudo-headers (removed before sending):
                      X-Replay-Delay: S      sleep S seconds first
                      X-Replay-Cut: N        send N body bytes, then close
                      X-Replay-Repeat: N     the body N times over
                      X-Replay-No-Length: 1  no Content-Length; close after
                      X-Replay-Repeat-Line: K N...  body line K
                                             (1-based) N times over; more
                                             K N pairs for more lines
    expect-request  the requests as recorded: "METHOD PATH", the headers
                    Host, Authorization, Depth, If-Match, If-None-Match,
                    Content-Type, Content-Length, Expect (those sent, in
                    that order), an empty line, the body
    expect-result   lines that must occur (as substrings) in the driver's
                    output; a line "!text" must not occur
    reply2          replies of a second server (another port: "another
                    origin"), started when the case has expect-request2
    expect-request2 what the second server recorded (empty: nothing)
    sweep-config    run `calsteward sweep` with this configuration instead
                    of the driver (test-caldav-cases.sh: %TMP/secret is a
                    0600 password file); "sweep-exit: N" ends its output

In section text "%CR" stands for a carriage return, "%PORT" for the
server's port, "%PORT2" for the second server's (REPLAY_PORT2 in the
environment), and a line ending in "%NONL" loses its newline.
"""
import difflib
import http.server
import os
import socketserver
import sys
import threading
import time

RECORDED = ["Host", "Authorization", "Depth", "If-Match", "If-None-Match",
            "Content-Type", "Content-Length", "Expect"]


def sections(path):
    """Returns [(name, raw text)] in file order; every line keeps its \\n."""
    out = []
    with open(path, "r", encoding="utf-8", newline="\n") as f:
        for line in f:
            if line.startswith("--- "):
                out.append([line[4:].strip(), ""])
            elif out:
                out[-1][1] += line
    return [(n, t) for n, t in out]


def ports(text, port):
    return (text.replace("%PORT2", os.environ.get("REPLAY_PORT2", "0"))
            .replace("%PORT", str(port)))


def expand(text, port):
    return ports(text.replace("%NONL\n", ""), port).replace("%CR", "\r")


def render_body(body):
    s = body.decode("utf-8", "backslashreplace").replace("\r", "%CR")
    if s and not s.endswith("\n"):
        s += "%NONL\n"
    return s


class State:
    def __init__(self, case, log, section="reply"):
        self.replies = [t for n, t in sections(case) if n == section]
        self.log = log
        self.records = []
        self.lock = threading.Lock()
        self.port = 0

    def next_reply(self, record):
        with self.lock:
            i = len(self.records)
            self.records.append(record)
            with open(self.log, "w", encoding="utf-8") as f:
                f.write("".join(self.records))
            return self.replies[i] if i < len(self.replies) else None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def serve(self):
        st = self.server.state
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n > 0 else b""
        rec = "%s %s\n" % (self.command, self.path)
        for h in RECORDED:
            v = self.headers.get(h)
            if v is not None:
                rec += "%s: %s\n" % (h, v)
        rec += "\n" + render_body(body)
        reply = st.next_reply(rec)
        if reply is None:
            reply = "HTTP/1.1 500 No reply left\n\nno reply left in the case\n"
        self.send_raw(expand(reply, st.port))

    def send_raw(self, reply):
        head, _, body = reply.partition("\n\n")
        lines = head.rstrip("\n").split("\n")
        status, headers, opts = lines[0], [], {}
        for h in lines[1:]:
            name, _, value = h.partition(":")
            if name.lower().startswith("x-replay-"):
                opts[name.lower()[9:]] = value.strip()
            else:
                headers.append(h)
        if "repeat-line" in opts:
            nums = [int(x) for x in opts["repeat-line"].split()]
            lines = body.split("\n")
            for k, times in sorted(zip(nums[::2], nums[1::2]), reverse=True):
                lines[k - 1:k] = [lines[k - 1]] * times
            body = "\n".join(lines)
        data = body.encode("utf-8") * int(opts.get("repeat", "1"))
        if "no-length" in opts:
            headers.append("Connection: close")
            self.close_connection = True
        elif not any(h.lower().startswith("content-length:") for h in headers):
            headers.append("Content-Length: %d" % len(data))
        if "delay" in opts:
            time.sleep(float(opts["delay"]))
        if "cut" in opts:
            data = data[:int(opts["cut"])]
            self.close_connection = True
        out = (status + "\r\n" + "".join(h + "\r\n" for h in headers)
               + "\r\n").encode("utf-8") + data
        try:
            self.wfile.write(out)
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    do_GET = do_PUT = do_DELETE = do_PROPFIND = do_MKCALENDAR = serve
    do_POST = do_REPORT = do_OPTIONS = do_HEAD = do_PROPPATCH = serve


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(case, log, section="reply"):
    open(log, "w").close()
    state = State(case, log, section)
    srv = Server(("127.0.0.1", 0), Handler)
    srv.state = state
    state.port = srv.server_address[1]
    print(state.port, flush=True)
    srv.serve_forever()


def section(case, name, port):
    for n, t in sections(case):
        if n == name:
            sys.stdout.write(expand(t, port))
            return 0
    return 1


def same_log(want, log, what):
    with open(log, encoding="utf-8") as f:
        got = f.read()
    if got.rstrip("\n") == want.rstrip("\n"):
        return True
    print("# %s differ:" % what)
    for d in difflib.unified_diff(want.rstrip("\n").split("\n"),
                                  got.rstrip("\n").split("\n"),
                                  "expected", "recorded", lineterm=""):
        print("#   " + d)
    return False


def check(case, log, out, port, log2=None):
    secs = dict(sections(case))
    ok = True
    if "expect-request" in secs:
        want = ports(secs["expect-request"], port)
        ok = same_log(want, log, "requests") and ok
    if "expect-request2" in secs:
        want = ports(secs["expect-request2"], port)
        ok = (log2 is not None and
              same_log(want, log2, "requests to the second server")) and ok
    with open(out, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    for w in expand(secs.get("expect-result", ""), port).split("\n"):
        if not w:
            continue
        if w.startswith("!"):
            if any(w[1:] in l for l in lines):
                ok = False
                print("# unexpected in output: %s" % w[1:])
        elif not any(w in l for l in lines):
            ok = False
            print("# missing from output: %s" % w)
    if not ok:
        for l in lines:
            print("#   out: " + l)
    return 0 if ok else 1


def main(argv):
    if len(argv) in (4, 5) and argv[1] == "serve":
        return serve(*argv[2:])
    if len(argv) == 5 and argv[1] == "section":
        return section(argv[2], argv[3], argv[4])
    if len(argv) in (6, 7) and argv[1] == "check":
        return check(*argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
