"""Helpers for the HTTP-based integration tests (http output, alertmanager
output): a recording HTTP server with scripted answers, running logpipe,
waiting on conditions with a deadline. Python 3 standard library only."""

import base64
import gzip
import http.server
import json
import os
import ssl
import subprocess
import sys
import tempfile
import threading
import time

FAILURES = []


def check(cond, what):
    """Records a failed assertion (the test goes on to report every one)."""
    if cond:
        print("ok   " + what, flush=True)
    else:
        print("FAIL " + what, flush=True)
        FAILURES.append(what)


def finish():
    if FAILURES:
        print("%d check(s) failed:" % len(FAILURES))
        for f in FAILURES:
            print("  - " + f)
        sys.exit(1)
    print("all checks passed")
    sys.exit(0)


def wait_until(pred, timeout, what):
    """Polls pred until it is true or the deadline passes; returns its value."""
    deadline = time.monotonic() + timeout
    delay = 0.01
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            check(False, "timed out after %gs waiting for %s" % (timeout, what))
            return v
        time.sleep(delay)
        delay = min(delay * 2, 0.2)


class Recorder:
    """An HTTP/1.1 server on 127.0.0.1 that records every request and answers
    from a script: rules[path] is a list of (status, body) used in turn (the
    last one repeats); a path with auth=(user, password) answers 401 without
    those credentials. Unknown paths answer 200 "ok"."""

    def __init__(self, tls=None):
        self.lock = threading.Lock()
        self.requests = []
        self.rules = {}
        self.auth = {}
        self.counts = {}
        rec = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle_any(self):
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n) if n else b""
                gz = self.headers.get("Content-Encoding") == "gzip"
                body = gzip.decompress(raw) if gz else raw
                path = self.path
                base = path.split("?")[0]
                status, answer = 200, "ok"
                with rec.lock:
                    i = rec.counts.get(base, 0)
                    rec.counts[base] = i + 1
                    script = rec.rules.get(base)
                    if script:
                        status, answer = script[min(i, len(script) - 1)]
                    cred = rec.auth.get(base)
                    if cred:
                        want = "Basic " + base64.b64encode(("%s:%s" % cred).encode()).decode()
                        if self.headers.get("Authorization") != want:
                            status, answer = 401, "unauthorized"
                    rec.requests.append({
                        "method": self.command,
                        "path": path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body.decode("utf-8", "replace"),
                        "gzip": gz,
                        "status": status,
                    })
                data = answer.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.scheme = "http"
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return "%s://127.0.0.1:%d%s" % (self.scheme, self.port, path)

    def script(self, path, answers):
        with self.lock:
            self.rules[path] = answers

    def on(self, prefix):
        """The requests whose path starts with prefix."""
        with self.lock:
            return [r for r in self.requests if r["path"].startswith(prefix)]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def logpipe_args(binary, config, data_dir, workers=1):
    return [binary, "-e", config, "-w", str(workers), "--api.enabled", "false",
            "--path.data", data_dir]


def run_logpipe(binary, config, events, timeout=120, workers=1, extra=(), data_dir=None):
    """Runs logpipe over the events (dicts, sent as JSON lines on stdin) until
    it exits. Returns (exit code, stdout, stderr); exit code None on timeout.
    path.data is data_dir, or a temporary directory removed afterwards."""
    stdin = "".join(json.dumps(e) + "\n" for e in events)
    with tempfile.TemporaryDirectory(prefix="lp-http-data-") as tmp_dir:
        data_dir = data_dir or tmp_dir
        args = logpipe_args(binary, config, data_dir, workers) + list(extra)
        try:
            p = subprocess.run(args, input=stdin.encode(), capture_output=True, timeout=timeout)
            return (p.returncode, p.stdout.decode(errors="replace"),
                    p.stderr.decode(errors="replace"))
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode(errors="replace")
            err = (e.stderr or b"").decode(errors="replace")
            return None, out, err


def show(stderr):
    """Prints logpipe's stderr indented (for a failing test's log)."""
    for line in stderr.splitlines()[-30:]:
        print("    | " + line)


def binary_from_argv():
    if len(sys.argv) < 2 or not os.access(sys.argv[1], os.X_OK):
        print("usage: %s LOGPIPE_BINARY" % sys.argv[0])
        sys.exit(2)
    return os.path.abspath(sys.argv[1])


def self_signed_cert(directory):
    """Makes a self-signed certificate for 127.0.0.1 with the openssl command;
    returns (certfile, keyfile)."""
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key
