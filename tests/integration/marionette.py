"""marionette.py -- a minimal Marionette client (Python standard library).

Marionette is the remote protocol built into Gecko applications (Firefox,
Thunderbird) when started with -marionette: messages are JSON, each sent
as "LENGTH:JSON" (LENGTH = the byte count of JSON, in decimal) over TCP.
On connect the server says hello ({"applicationType": "gecko",
"marionetteProtocol": 3}); then a command is [0, ID, NAME, PARAMS] and
its answer [1, ID, ERROR, RESULT], ERROR being null or {"error",
"message", "stacktrace"}.

    m = Marionette(port=2828)
    m.connect(timeout=60)          # retries until the port answers
    m.new_session()
    m.set_context("chrome")        # the application's privileged scope
    m.execute("return Services.appinfo.version;")
    m.execute_async("let [cb] = arguments.slice(-1); cb(42);")
    m.screenshot_png()             # bytes of a PNG

execute_async: the script's last argument is the callback (Marionette
passes `resolve` as arguments[arguments.length - 1]); a script may also
simply return a Promise, whose value is the result.
"""

import base64
import json
import socket
import time


class MarionetteError(Exception):
    def __init__(self, err):
        self.error = err.get("error", "?") if isinstance(err, dict) else err
        self.message = err.get("message", "") if isinstance(err, dict) else ""
        self.stacktrace = (err.get("stacktrace", "")
                           if isinstance(err, dict) else "")
        super().__init__("%s: %s" % (self.error, self.message))


class Marionette:
    def __init__(self, host="127.0.0.1", port=2828):
        self.host, self.port = host, port
        self.sock = None
        self.msgid = 0
        self.buf = b""
        self.hello = None

    # -- transport ------------------------------------------------------
    def connect(self, timeout=60.0, alive=None):
        """Connects, retrying until `timeout` seconds passed; `alive`, when
        given, is called between tries and stops them when it is false (the
        application died)."""
        end = time.monotonic() + timeout
        last = None
        while time.monotonic() < end:
            if alive is not None and not alive():
                raise OSError("the application exited before Marionette "
                              "answered on port %d" % self.port)
            try:
                s = socket.create_connection((self.host, self.port),
                                             timeout=5)
                self.sock = s
                self.buf = b""
                self.sock.settimeout(30)
                self.hello = self._recv()
                return self.hello
            except (OSError, ValueError) as x:
                last = x
                if self.sock:
                    self.sock.close()
                    self.sock = None
                time.sleep(0.25)
        raise OSError("no Marionette on %s:%d after %.0f s (%s)"
                      % (self.host, self.port, timeout, last))

    def close(self):
        if self.sock:
            try:
                self.sock.close()
            finally:
                self.sock = None

    def _send(self, obj):
        data = json.dumps(obj).encode("utf-8")
        self.sock.sendall(b"%d:%s" % (len(data), data))

    def _recv(self):
        while b":" not in self.buf:
            self._fill()
        head, rest = self.buf.split(b":", 1)
        n = int(head)
        self.buf = rest
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return json.loads(data.decode("utf-8"))

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise OSError("Marionette closed the connection")
        self.buf += chunk

    def command(self, name, params=None, timeout=30.0):
        """Sends one command and returns its result ("value" unwrapped when
        the result is {"value": X}); raises MarionetteError."""
        self.msgid += 1
        mid = self.msgid
        self.sock.settimeout(timeout)
        self._send([0, mid, name, params or {}])
        while True:
            msg = self._recv()
            if not (isinstance(msg, list) and len(msg) == 4 and msg[0] == 1):
                continue            # not a response (no events expected)
            if msg[1] != mid:
                continue            # a late answer to a timed-out command
            if msg[2]:
                raise MarionetteError(msg[2])
            res = msg[3]
            if isinstance(res, dict) and set(res) == {"value"}:
                return res["value"]
            return res

    # -- WebDriver / Marionette commands --------------------------------
    def new_session(self, capabilities=None):
        return self.command("WebDriver:NewSession",
                            {"capabilities": capabilities or {}})

    def delete_session(self):
        return self.command("WebDriver:DeleteSession")

    def set_context(self, context):
        return self.command("Marionette:SetContext", {"value": context})

    def set_script_timeout(self, ms):
        return self.command("WebDriver:SetTimeouts", {"script": int(ms)})

    def execute(self, script, args=None, timeout=30.0):
        return self.command("WebDriver:ExecuteScript",
                            {"script": script, "args": args or [],
                             "newSandbox": True},
                            timeout=timeout + 5)

    def execute_async(self, script, args=None, timeout=30.0):
        """`timeout` seconds both for the script (the session's script
        timeout is set to it) and for the answer."""
        self.set_script_timeout(timeout * 1000)
        return self.command("WebDriver:ExecuteAsyncScript",
                            {"script": script, "args": args or [],
                             "newSandbox": True},
                            timeout=timeout + 5)

    def screenshot_png(self, full=True):
        """The current (chrome: the whole window) screenshot as PNG bytes."""
        b64 = self.command("WebDriver:TakeScreenshot",
                           {"full": full, "hash": False}, timeout=60)
        return base64.b64decode(b64)

    def quit(self):
        """Asks the application to quit; the connection closes after."""
        try:
            return self.command("Marionette:Quit", {"flags": ["eForceQuit"]},
                                timeout=20)
        except (OSError, MarionetteError):
            return None
