"""A real Prometheus Alertmanager (Debian's prometheus-alertmanager) for the
integration tests: started on 127.0.0.1 on a free port with a temporary
config and storage, optionally routing every alert to a webhook URL.
Python 3 standard library only.

    am = Alertmanager(tmpdir, webhook_url=None)
    am.start()       # waits (deadline) until /-/ready answers 200; returns bool
    am.alerts()      # GET /api/v2/alerts, parsed ([] when not up)
    am.stop()        # SIGTERM, then SIGKILL after 20 s

The same port and storage are kept across stop()/start(), so a restarted
Alertmanager is the same one (the outage tests rely on it)."""

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request


def binary():
    """The Alertmanager executable, or None when it is not installed."""
    return shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")


def free_port():
    """A loopback TCP port that was free a moment ago."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Alertmanager:
    def __init__(self, workdir, webhook_url=None, port=None):
        self.workdir = workdir
        self.port = port or free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.proc = None
        self.config = os.path.join(workdir, "alertmanager.yml")
        self.log = os.path.join(workdir, "alertmanager.log")
        if webhook_url:
            receiver = """  - name: hook
    webhook_configs:
      - url: '%s'
        send_resolved: false
""" % webhook_url
        else:
            receiver = "  - name: hook\n"
        with open(self.config, "w") as f:
            f.write("""route:
  receiver: hook
  group_by: ['alertname', 'service']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
""" + receiver)

    def get(self, path):
        """(HTTP status, body text); status 0 when Alertmanager does not answer."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=2) as r:
                return r.status, r.read().decode()
        except Exception as e:  # not up (yet)
            return 0, str(e)

    def start(self, timeout=30):
        """Starts Alertmanager and waits until it is ready; False (and its log
        printed) when it is not ready by the deadline."""
        exe = binary()
        if not exe:
            print("prometheus-alertmanager is not installed (Debian package prometheus-alertmanager)")
            return False
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [exe, "--config.file=" + self.config,
                 "--storage.path=" + os.path.join(self.workdir, "data"),
                 "--web.listen-address=127.0.0.1:%d" % self.port,
                 "--cluster.listen-address="],
                stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        delay = 0.01
        while self.get("/-/ready")[0] != 200:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                with open(self.log, errors="replace") as f:
                    print(f.read()[-3000:])
                return False
            time.sleep(delay)
            delay = min(delay * 2, 0.2)
        return True

    def stop(self):
        if self.proc:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def alerts(self):
        status, body = self.get("/api/v2/alerts")
        if status != 200:
            return []
        return json.loads(body)
