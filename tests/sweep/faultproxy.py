#!/usr/bin/python3
"""faultproxy.py -- an HTTP/1.1 reverse proxy that injects one fault.

Used by the sweep tests (tests/sweep/lib.sh: sw_start_faultproxy) to put
a real CalDAV server (Radicale, Xandikos) behind faults a sweep must
survive.  Standard library only.

    faultproxy.py --port PORT --upstream URL --log FILE [--control FILE]
                  [MODE [KEY=VALUE...]]

Forwarding: every request is passed on as it came -- method, path and
query, every header in its order and spelling (Authorization, If-Match,
If-None-Match, Depth, Host...), the body -- over one keep-alive upstream
connection per client connection; the answer's status, reason, headers
and body come back the same way.  Hop-by-hop headers (Connection,
Keep-Alive, Transfer-Encoding, TE, Trailer, Upgrade, Proxy-*) and Expect
are not forwarded (this proxy answers "100 Continue" itself); a chunked
body is passed on de-chunked with a Content-Length.  Bodies are never
re-encoded.

Faults (MODE, then KEY=VALUE parameters):

  none                  forward everything (the default)
  status500             answer 500 instead of forwarding; forward=1:
                        forward first, then answer 500 anyway (the
                        server applied the change, the client never
                        learns it)
  slow seconds=S        sleep S seconds (default 5) before forwarding
  malformed how=H       a REPORT/PROPFIND answered 207 gets its body
                        broken: how=truncate (default: cut in the middle
                        of the XML), garbage (not XML at all), unclosed
                        (a multistatus whose response is never closed),
                        empty (no body).  Content-Length matches the new
                        body: the XML is broken, not the HTTP framing.
  die-after n=N         after N forwarded requests the proxy closes its
                        listening socket, drops open connections and
                        exits (connections are then refused): the server
                        "stops mid-sweep"
  conflict              before forwarding a PUT that carries If-Match,
                        the proxy edits the resource itself as another
                        client would: GET it from the upstream (with the
                        request's Authorization), add a property
                        (edit=xprop, default: X-TEST-EDIT:conflict-N
                        before the first END:VEVENT/END:VTODO) or append
                        " (edited)" to the first SUMMARY (edit=summary),
                        and PUT it back with If-Match of what it got.
                        The ETag changes, so the forwarded PUT then gets
                        a genuine 412 from the server.

Which requests a fault hits (every mode but none and die-after):
  body=REGEX    also searched in the request body (e.g. "sync-collection"
                to hit one kind of REPORT); default: any body
  status=N      status500: answer N instead of 500 (e.g. 501 for a
                server without a REPORT)
  match=REGEX   searched in "METHOD PATH" (default: status500, slow: any
                request; malformed: "^(REPORT|PROPFIND) "; conflict:
                "^PUT " and an If-Match header)
  every=N       only every Nth matching request (the Nth, 2Nth...)
  nth=K         only the Kth matching request (conflict: default nth=1;
                all=1 for every conditional PUT)
Matching requests are counted from the moment the mode was set.

Switching at run time (the counters restart):
  * write "MODE KEY=VALUE..." into the --control file (read again when
    its modification time or size changes; checked on every request);
  * PUT or POST that line as the body of /__fault; GET /__fault answers
    the current state as JSON: {"mode", "params", "forwarded",
    "matched", "faults"}.  /__fault requests are neither forwarded nor
    logged nor counted.

Log (--log FILE, one line per request, flushed at once):

    SEQ METHOD PATH STATUS if-match=0|1 if-none-match=0|1 ms=N fault=F

STATUS is what the client got (000 when the connection was dropped);
F is "-" or the fault that hit this request (status500, slow, malformed,
conflict, die).  The conflict mode's own requests are logged as
"SEQ CONFLICT-GET PATH STATUS ..." and "SEQ CONFLICT-PUT PATH STATUS
...".  When die-after stops the proxy it logs "SEQ DIE - 000 ...".
"""
import argparse
import http.client
import json
import os
import re
import shlex
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer",
       "trailers", "upgrade", "proxy-authorization", "proxy-authenticate",
       "proxy-connection", "expect"}
MODES = ("none", "status500", "slow", "malformed", "die-after", "conflict")


class Fault:
    """The current mode, its parameters and counters (one lock)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.set("none")
        self.forwarded = 0
        self.seq = 0

    def set(self, spec):
        words = shlex.split(spec.strip() or "none")
        mode, params = words[0], {}
        if mode not in MODES:
            raise ValueError("unknown mode %r (one of %s)"
                             % (mode, ", ".join(MODES)))
        for w in words[1:]:
            k, sep, v = w.partition("=")
            if not sep:
                raise ValueError("parameter %r is not KEY=VALUE" % w)
            params[k] = v
        default = {"malformed": r"^(REPORT|PROPFIND) ",
                   "conflict": r"^PUT "}.get(mode, "")
        self.mode = mode
        self.params = params
        self.match = re.compile(params.get("match", default))
        self.body = re.compile(params.get("body", ""))
        self.status = int(params.get("status", "500"))
        self.every = int(params.get("every", "1"))
        nth = params.get("nth")
        if nth is None and mode == "conflict" and params.get("all") != "1":
            nth = "1"
        self.nth = int(nth) if nth is not None else None
        self.seconds = float(params.get("seconds", "5"))
        self.die_n = int(params.get("n", "0"))
        self.matched = 0
        self.faults = 0
        self.forwarded_at_set = getattr(self, "forwarded", 0)

    def state(self):
        return {"mode": self.mode, "params": self.params,
                "forwarded": self.forwarded, "matched": self.matched,
                "faults": self.faults}

    def hits(self, method, path, headers, body=b""):
        """Does the current fault apply to this request? (counts it)"""
        if self.mode in ("none", "die-after"):
            return False
        if self.mode == "conflict" and headers.get("If-Match") is None:
            return False
        if not self.match.search("%s %s" % (method, path)):
            return False
        if not self.body.search(body.decode("latin-1")):
            return False
        self.matched += 1
        if self.nth is not None:
            hit = self.matched == self.nth
        else:
            hit = self.matched % self.every == 0
        if hit:
            self.faults += 1
        return hit


class Proxy(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, args):
        super().__init__(addr, Handler)
        u = urllib.parse.urlsplit(args.upstream)
        self.up_host = u.hostname
        self.up_port = u.port or 80
        self.fault = Fault()
        self.logf = open(args.log, "a", buffering=1) if args.log else None
        self.log_lock = threading.Lock()
        self.control = args.control
        self.control_sig = None
        self.dead = False
        self.timeout_s = args.timeout
        if args.mode:
            self.fault.set(" ".join(args.mode))
        if self.control:
            self.read_control()

    def read_control(self):
        try:
            st = os.stat(self.control)
        except OSError:
            return
        sig = (st.st_mtime_ns, st.st_size)
        if sig == self.control_sig:
            return
        self.control_sig = sig
        with open(self.control, encoding="utf-8") as f:
            spec = f.read()
        try:
            self.fault.set(spec)
        except ValueError as e:
            print("faultproxy: control file: %s" % e, file=sys.stderr)

    def log(self, method, path, status, headers, ms, fault):
        if not self.logf:
            return
        with self.log_lock:
            self.fault.seq += 1
            self.logf.write("%d %s %s %03d if-match=%d if-none-match=%d "
                            "ms=%d fault=%s\n"
                            % (self.fault.seq, method, path, status,
                               headers.get("If-Match") is not None,
                               headers.get("If-None-Match") is not None,
                               ms, fault or "-"))

    def die(self):
        """Stop listening and exit (die-after)."""
        self.dead = True

        def stop():
            self.shutdown()
            self.socket.close()
            os._exit(0)
        threading.Thread(target=stop, daemon=True).start()


def break_xml(body, how):
    if how == "garbage":
        return b"<html><body>Internal proxy \x00 garbage</body>"
    if how == "empty":
        return b""
    if how == "unclosed":
        return (b'<?xml version="1.0" encoding="utf-8"?>\n'
                b'<D:multistatus xmlns:D="DAV:"><D:response>'
                b'<D:href>/x/</D:href><D:propstat><D:prop>')
    cut = max(1, len(body) // 2)
    # cut inside a tag, not at a boundary that might still parse
    lt = body.rfind(b"<", 0, cut)
    return body[:lt + 2] if lt >= 0 else body[:cut]


def edit_ical(text, how, n):
    """The concurrent client edit of the conflict mode (bytes in, out)."""
    nl = b"\r\n" if b"\r\n" in text else b"\n"
    lines = text.split(nl)
    if how == "summary":
        for i, ln in enumerate(lines):
            if ln.upper().startswith(b"SUMMARY"):
                j = i + 1
                while j < len(lines) and lines[j][:1] in (b" ", b"\t"):
                    j += 1
                lines[j - 1] += b" (edited)"
                return nl.join(lines)
    for i, ln in enumerate(lines):
        if ln.upper() in (b"END:VEVENT", b"END:VTODO", b"END:VJOURNAL"):
            lines.insert(i, b"X-TEST-EDIT:conflict-%d" % n)
            return nl.join(lines)
    return text


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "faultproxy"
    up = None

    def log_message(self, fmt, *args):
        pass

    def __getattr__(self, name):
        if name.startswith("do_"):
            return self.proxy
        raise AttributeError(name)

    # -- upstream --------------------------------------------------------

    def upstream(self, method, path, headers, body):
        """One request upstream: (status, reason, [(k, v)], body)."""
        for attempt in (0, 1):
            if self.up is None:
                self.up = http.client.HTTPConnection(
                    self.server.up_host, self.server.up_port,
                    timeout=self.server.timeout_s)
            try:
                self.up.putrequest(method, path, skip_host=True,
                                   skip_accept_encoding=True)
                for k, v in headers:
                    self.up.putheader(k, v)
                if body is not None and not any(
                        k.lower() == "content-length" for k, _ in headers):
                    self.up.putheader("Content-Length", str(len(body)))
                self.up.endheaders(body if body else None)
                r = self.up.getresponse()
                data = r.read() if method != "HEAD" else b""
                out = (r.status, r.reason, r.getheaders(), data)
                if r.will_close:
                    self.up.close()
                    self.up = None
                return out
            except (ConnectionError, http.client.RemoteDisconnected,
                    http.client.BadStatusLine) as e:
                # a kept-alive upstream connection the server closed:
                # once more on a new one (idempotence aside, the request
                # never reached the server when the send itself failed)
                if self.up is not None:
                    self.up.close()
                self.up = None
                if attempt:
                    raise e

    def conflict_edit(self, path, headers):
        """GET the resource and PUT it back changed (another client)."""
        auth = [(k, v) for k, v in headers
                if k.lower() in ("authorization", "host")]
        srv, f = self.server, self.server.fault
        t0 = time.monotonic()
        st, _, hdrs, data = self.upstream("GET", path, auth, None)
        etag = next((v for k, v in hdrs if k.lower() == "etag"), None)
        srv.log("CONFLICT-GET", path, st, {}, (time.monotonic() - t0) * 1000,
                "conflict")
        if st != 200:
            return
        data = edit_ical(data, f.params.get("edit", "xprop"), f.faults)
        put = auth + [("Content-Type", "text/calendar; charset=utf-8")]
        if etag:
            put.append(("If-Match", etag))
        t0 = time.monotonic()
        st, _, _, _ = self.upstream("PUT", path, put, data)
        srv.log("CONFLICT-PUT", path, st, {"If-Match": etag} if etag else {},
                (time.monotonic() - t0) * 1000, "conflict")

    # -- the client's request --------------------------------------------

    def read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        n = self.headers.get("Content-Length")
        if n is not None:
            return self.rfile.read(int(n))
        return None

    def answer(self, status, reason, headers, body, head=False):
        self.send_response_only(status, reason)
        has_len = False
        for k, v in headers:
            lk = k.lower()
            if lk in HOP:
                continue
            if lk == "content-length":
                if head:
                    has_len = True
                    self.send_header(k, v)
                continue
            self.send_header(k, v)
        if not head and status not in (204, 304) and status >= 200:
            self.send_header("Content-Length", str(len(body)))
        elif head and not has_len:
            self.send_header("Content-Length", "0")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head and body:
            self.wfile.write(body)
        self.wfile.flush()

    def control(self, body):
        f = self.server.fault
        if self.command in ("PUT", "POST"):
            try:
                with f.lock:
                    f.set((body or b"").decode("utf-8"))
            except ValueError as e:
                msg = (str(e) + "\n").encode()
                return self.answer(400, "Bad Request",
                                   [("Content-Type", "text/plain")], msg)
        with f.lock:
            out = json.dumps(f.state()).encode() + b"\n"
        self.answer(200, "OK", [("Content-Type", "application/json")], out)

    def proxy(self):
        srv = self.server
        if srv.dead:
            self.close_connection = True
            return
        body = self.read_body()
        if self.path.split("?")[0] == "/__fault":
            return self.control(body)
        t0 = time.monotonic()
        method, path = self.command, self.path
        headers = [(k, v) for k, v in self.headers.items()
                   if k.lower() not in HOP]
        f = srv.fault
        with f.lock:
            if srv.control:
                srv.read_control()
            hit = f.hits(method, path, self.headers, body or b"")
            mode = f.mode
        fault = mode if hit else None
        if hit and mode == "status500" and f.params.get("forward") != "1":
            self.answer(f.status, "Injected",
                        [("Content-Type", "text/plain")],
                        b"faultproxy: injected status\n", method == "HEAD")
            srv.log(method, path, f.status, self.headers,
                    (time.monotonic() - t0) * 1000, fault)
            return
        if hit and mode == "slow":
            time.sleep(f.seconds)
        if hit and mode == "conflict":
            try:
                self.conflict_edit(path, headers)
            except (OSError, http.client.HTTPException) as e:
                print("faultproxy: conflict edit: %s" % e, file=sys.stderr)
        try:
            st, reason, rh, data = self.upstream(method, path, headers, body)
        except (OSError, http.client.HTTPException) as e:
            msg = ("faultproxy: upstream: %s\n" % e).encode()
            self.close_connection = True
            self.answer(502, "Bad Gateway", [("Content-Type", "text/plain")],
                        msg, method == "HEAD")
            srv.log(method, path, 502, self.headers,
                    (time.monotonic() - t0) * 1000, "upstream-error")
            return
        if hit and mode == "status500":          # forward=1
            st, reason, data = 500, "Internal Server Error", b"faultproxy\n"
            rh = [("Content-Type", "text/plain")]
        if mode == "malformed" and st == 207:
            if hit:
                data = break_xml(data, f.params.get("how", "truncate"))
        elif mode == "malformed" and hit:
            fault = None                         # nothing to break
        with f.lock:
            f.forwarded += 1
            die = (f.mode == "die-after" and
                   f.forwarded - f.forwarded_at_set >= f.die_n)
        if die:
            self.close_connection = True
        self.answer(st, reason, rh, data, method == "HEAD")
        srv.log(method, path, st, self.headers,
                (time.monotonic() - t0) * 1000, fault)
        if die:
            srv.log("DIE", "-", 0, {}, 0, "die")
            srv.die()


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n")[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--upstream", required=True, help="http://HOST:PORT")
    ap.add_argument("--log")
    ap.add_argument("--control")
    ap.add_argument("--timeout", type=float, default=60,
                    help="seconds to wait for the upstream [60]")
    ap.add_argument("mode", nargs="*", help="MODE [KEY=VALUE...]")
    args = ap.parse_args()
    try:
        srv = Proxy((args.host, args.port), args)
    except ValueError as e:
        ap.error(str(e))
    print("faultproxy: %s:%d -> %s (%s)" % (args.host, args.port,
                                           args.upstream, srv.fault.mode),
          file=sys.stderr)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
