"""The payment example end to end: Filebeat-shaped payment logs over Beats
(Lumberjack v2, ACKs read) through examples/payment's three config files into
the Elasticsearch emulator (daily indices, template), a real Prometheus
Alertmanager and the daily files, on free loopback ports.

Proves: every sample event is in Elasticsearch exactly once, in the index of
its @timestamp's UTC day, with the pipeline's masking, tiering and error
categories (expected values computed here from the input lines); the template
is installed once; Alertmanager holds the SystemError alert of service
payment and nothing for business errors; the daily files hold the same
events; during an Elasticsearch outage nothing is lost and no Beats window is
acknowledged before the recovery; SIGTERM drains what is in flight and
logpipe exits 0.

Usage: test_payment.py LOGPIPE_BINARY"""

import datetime
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
EXAMPLE = os.path.join(SRC, "examples", "payment")
sys.path.insert(0, os.path.join(HERE, "..", "http"))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import lptest  # noqa: E402
from lptest import binary_from_argv, show, wait_until  # noqa: E402
from alertmanager import Alertmanager, free_port  # noqa: E402

LP = binary_from_argv()
SAMPLE = os.environ.get("PAYMENT_SAMPLE", os.path.join(EXAMPLE, "sample-logs.jsonl"))
PASSED = [0]


def check(cond, what):
    lptest.check(cond, what)
    if cond:
        PASSED[0] += 1
    return cond


# -- the expectation, computed from the input lines alone ---------------------

def parse_iso(text):
    """An ISO 8601 timestamp with an offset or Z, as an aware datetime in UTC."""
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(datetime.timezone.utc)


def truthy(v):
    """Logstash's `if [field]`: false for missing, null and false."""
    return v is not None and v is not False


def expect(line):
    """What the payment pipeline makes of one Filebeat event."""
    ev = json.loads(line)
    key = (ev["log"]["file"]["path"], ev["log"]["offset"])
    exp = {"key": key, "service": ev["fields"]["service"], "ts": parse_iso(ev["@timestamp"]),
           "json": False, "tier": None, "category": None, "userId": None, "raw_userId": None,
           "message": ev["message"], "level": None}
    if exp["service"] != "payment":
        return exp
    try:
        app = json.loads(ev["message"])
    except ValueError:
        app = None
    if not isinstance(app, dict):
        return exp
    exp["json"] = True
    exp["message"] = app.get("message", ev["message"])  # the json filter overwrites it
    exp["level"] = app.get("level")
    if "timestamp" in app:
        exp["ts"] = parse_iso(app["timestamp"])
    uid = app.get("userId")
    if isinstance(uid, str):
        exp["raw_userId"] = uid
        exp["userId"] = uid[:3] + "***" + uid[-3:] if len(uid) >= 6 else uid
    ctx = app.get("context") if isinstance(app.get("context"), dict) else {}
    d = ctx.get("duration_ms")
    if truthy(d):
        assert isinstance(d, (int, float)), "the sample has a non-numeric duration_ms: %r" % (d,)
        exp["tier"] = "SLOW" if d > 1000 else "MEDIUM" if d > 500 else "FAST"
    if app.get("level") == "ERROR":
        exp["category"] = "BUSINESS_ERROR" if truthy(ctx.get("error_code")) else "SYSTEM_ERROR"
    return exp


def index_of(exp):
    return "kakaopay-logs-" + exp["ts"].strftime("%Y.%m.%d")


def doc_key(src):
    log = src.get("log", {})
    return (log.get("file", {}).get("path"), log.get("offset"))


def check_docs(what, docs, expected):
    """docs: (index, _source) pairs. Checks exactly-once and every rule."""
    by_key = {}
    dupes = 0
    for index, src in docs:
        k = doc_key(src)
        if k in by_key:
            dupes += 1
        by_key[k] = (index, src)
    check(dupes == 0, "%s: no event twice (%d duplicates)" % (what, dupes))
    missing = [k for k in expected if k not in by_key]
    extra = [k for k in by_key if k not in expected]
    check(not missing and not extra and len(docs) == len(expected),
          "%s: every one of the %d events, nothing else (%d documents, %d missing, %d unexpected%s)"
          % (what, len(expected), len(docs), len(missing), len(extra),
             ", e.g. %s" % (missing or extra)[0] if missing or extra else ""))
    wrong = {"index": [], "timestamp": [], "userId": [], "tier": [], "category": [], "json": [],
             "untouched": []}
    for k, exp in expected.items():
        if k not in by_key:
            continue
        index, src = by_key[k]
        if index != index_of(exp):
            wrong["index"].append((k, index, index_of(exp)))
        ts = src.get("@timestamp")
        if not isinstance(ts, str) or parse_iso(ts) != exp["ts"]:
            wrong["timestamp"].append((k, ts, exp["ts"].isoformat()))
        if src.get("userId") != exp["userId"]:
            wrong["userId"].append((k, src.get("userId"), exp["userId"]))
        if src.get("performance_tier") != exp["tier"]:
            wrong["tier"].append((k, src.get("performance_tier"), exp["tier"]))
        if src.get("error_category") != exp["category"]:
            wrong["category"].append((k, src.get("error_category"), exp["category"]))
        failed = "_jsonparsefailure" in (src.get("tags") or [])
        if failed != (exp["service"] == "payment" and not exp["json"]):
            wrong["json"].append((k, src.get("tags")))
        if src.get("message") != exp["message"] or src.get("level") != exp["level"]:
            wrong["untouched"].append((k, src.get("message"), exp["message"]))
    labels = {
        "index": "in the daily index of its @timestamp's UTC day",
        "timestamp": "@timestamp is the application's time (Filebeat's when not JSON)",
        "userId": "userIds masked (first and last three characters kept)",
        "tier": "performance_tier as the latency rules say (none without a duration)",
        "category": "error_category as the error rules say (none unless level ERROR)",
        "json": "the non-JSON payment lines tagged _jsonparsefailure, no other event",
        "untouched": "message and level: the application's for JSON payment lines, the line as is otherwise",
    }
    for name, bad in wrong.items():
        check(not bad, "%s: %s%s" % (what, labels[name], " (%d wrong, e.g. %s)" % (len(bad), bad[0]) if bad else ""))
    leaked = [e["raw_userId"] for k, e in expected.items()
              if k in by_key and e["raw_userId"] and e["raw_userId"] != e["userId"]
              and e["raw_userId"] in json.dumps(by_key[k][1])]
    check(not leaked, "%s: no unmasked userId anywhere in a document (%d found)" % (what, len(leaked)))
    return by_key


# -- peers ---------------------------------------------------------------------

class Emulator:
    """es_emulator.py on a free port (the port it prints on stdout)."""

    def __init__(self, workdir):
        self.log = open(os.path.join(workdir, "es_emulator.log"), "wb")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "..", "elasticsearch", "es_emulator.py"), "--port", "0"],
            stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline()  # the emulator prints its port once it accepts
        self.url = "http://127.0.0.1:%d" % int(line)

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.read().decode()

    def stats(self):
        return json.loads(self.call("GET", "/_emulator/stats"))

    def docs(self):
        out = []
        for line in self.call("GET", "/_emulator/docs").splitlines():
            d = json.loads(line)
            out.append((d["_index"], d["_source"]))
        return out

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)
        self.log.close()


class Sender:
    """beats_send.js in the background; its reports are collected with the
    (monotonic) time each arrived."""

    def __init__(self, port, path, window=100, connections=1, timeout=120, hold=False):
        """hold: connect, then wait for go() before sending."""
        self.events = []
        self.lock = threading.Lock()
        self.proc = subprocess.Popen(
            ["node", os.path.join(HERE, "beats_send.js"), str(port), path, "--window", str(window),
             "--connections", str(connections), "--timeout", str(timeout)]
            + (["--go-on-stdin"] if hold else []),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()

    def read(self):
        for line in self.proc.stdout:
            try:
                ev = json.loads(line)
            except ValueError:
                ev = {"output": line.decode(errors="replace").rstrip()}
            with self.lock:
                self.events.append((time.monotonic(), ev))

    def go(self):
        self.proc.stdin.write(b"go\n")
        self.proc.stdin.flush()

    def seen(self, kind):
        with self.lock:
            return [(t, e) for t, e in self.events if kind in e]

    def wait(self, timeout):
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = None
        self.thread.join(timeout=5)
        return rc


def write_lines(path, lines):
    with open(path, "w") as f:
        f.write("".join(line + "\n" for line in lines))


def log_count(path, text):
    with open(path, errors="replace") as f:
        return f.read().count(text)


def file_events(out_dir):
    """(index, event) pairs of the daily files."""
    docs = []
    for path in sorted(glob.glob(os.path.join(out_dir, "kakaopay-logs-*.ndjson"))):
        index = os.path.basename(path)[: -len(".ndjson")]
        with open(path) as f:
            docs.extend((index, json.loads(line)) for line in f if line.strip())
    return docs


def main():
    tmp = tempfile.mkdtemp(prefix="lp-payment-")
    lines = [line.rstrip("\n") for line in open(SAMPLE) if line.strip()]
    expected = {}
    for line in lines:
        e = expect(line)
        expected[e["key"]] = e
    check(len(expected) == len(lines), "the sample's events have distinct (log file, offset) keys")
    days = sorted({index_of(e) for e in expected.values()})
    system = {e["message"] for e in expected.values() if e["category"] == "SYSTEM_ERROR"}
    business = {e["message"] for e in expected.values() if e["category"] == "BUSINESS_ERROR"}
    check(len(days) == 2 and system and business and not (system & business)
          and any(not e["json"] and e["service"] == "payment" for e in expected.values())
          and any(e["service"] != "payment" for e in expected.values()),
          "the sample spans two UTC days %s, has system and business errors (distinct messages), "
          "non-JSON lines and another service" % days)

    es = am = lp = None
    try:
        es = Emulator(tmp)
        am = Alertmanager(tmp)
        if not check(am.start(), "Alertmanager is ready at %s" % am.url):
            return
        out_dir = os.path.join(tmp, "out")
        os.makedirs(out_dir)
        beats_port, tcp_port = free_port(), free_port()
        env = dict(os.environ, BEATS_PORT=str(beats_port), TCP_PORT=str(tcp_port), ES_URL=es.url,
                   ALERTMANAGER_URL=am.url, LOGPIPE_OUT=out_dir, LOGPIPE_EXAMPLE_DIR=EXAMPLE)
        lp_log = os.path.join(tmp, "logpipe.log")
        with open(lp_log, "wb") as errf, open(os.path.join(tmp, "logpipe.out"), "wb") as outf:
            lp = subprocess.Popen(
                [LP, "-f", os.path.join(EXAMPLE, "pipeline.conf"),
                 "-f", os.path.join(EXAMPLE, "elasticsearch.conf"),
                 "-f", os.path.join(EXAMPLE, "alertmanager.conf"),
                 "--api.enabled", "false", "--log.level", "info",
                 "--path.data", os.path.join(tmp, "data")],
                env=env, stdin=subprocess.PIPE, stdout=outf, stderr=errf)

        def listening():
            if lp.poll() is not None:
                return "exited"
            s = socket.socket()
            try:
                s.connect(("127.0.0.1", beats_port))
                return "up"
            except OSError:
                return None
            finally:
                s.close()
        if not check(wait_until(listening, 30, "the Beats input") == "up",
                     "logpipe listens for Beats on %d" % beats_port):
            show(open(lp_log, errors="replace").read())
            return

        # 1. The sample over Beats, ACKs read.
        sample = os.path.join(tmp, "sample.jsonl")
        write_lines(sample, lines)
        windows = -(-len(lines) // 100)
        s = Sender(beats_port, sample, window=100, connections=1, timeout=120)
        rc = s.wait(150)
        done = s.seen("done")
        check(rc == 0 and done and done[0][1]["events"] == len(lines),
              "beats: %d events sent in windows of 100, every window acknowledged (rc %s, %s)"
              % (len(lines), rc, (s.seen("error") or s.seen("output") or [(0, "")])[-1][1]))
        check(len(s.seen("acked")) == windows, "beats: %d ACKs for %d windows" % (len(s.seen("acked")), windows))

        # 2. Elasticsearch: a Beats ACK means delivered, so the documents are there now.
        by_key = check_docs("elasticsearch", es.docs(), expected)
        st = es.stats()
        check(st["template_puts"] == {"_index_template/kakaopay-logs": 1}
              and st["index_templates"] == ["kakaopay-logs"],
              "elasticsearch: the template kakaopay-logs installed once (%s)" % st["template_puts"])
        check(sorted(st["indices"]) == days, "elasticsearch: the indices are %s (%s)" % (days, st["indices"]))

        # 3. Alertmanager and the daily files.
        def payment_alert():
            return [a for a in am.alerts() if a.get("labels", {}).get("service") == "payment"]
        found = wait_until(payment_alert, 20, "the payment alert in Alertmanager")
        if check(found and len(found) == 1, "alertmanager: one alert for service payment (%d)" % len(found or [])):
            a = found[0]
            check(a["labels"] == {"alertname": "SystemError", "service": "payment", "severity": "critical"},
                  "alertmanager: labels alertname SystemError, service payment, severity critical (%s)"
                  % a["labels"])
            check(a["annotations"].get("summary") == "System error in payment",
                  "alertmanager: the summary annotation (%r)" % a["annotations"].get("summary"))
            check(a["annotations"].get("description") in system,
                  "alertmanager: the description is a SYSTEM_ERROR event's message (%r)"
                  % a["annotations"].get("description"))
            check(a["status"]["state"] == "active", "alertmanager: the alert is active")
        others = [a for a in am.alerts() if a.get("labels", {}).get("alertname") != "SystemError"
                  or a.get("annotations", {}).get("description") in business]
        check(not others, "alertmanager: no alert from a BUSINESS_ERROR event or anything else (%s)"
              % [a.get("labels") for a in others])
        files = file_events(out_dir)
        fkeys = check_docs("daily files", files, expected)
        check(all(fkeys[k][1] == by_key[k][1] for k in fkeys if k in by_key),
              "daily files: each event as Elasticsearch holds it")
        with open(os.path.join(out_dir, "alerts.ndjson")) as f:
            alert_keys = [doc_key(json.loads(line)) for line in f if line.strip()]
        want = sorted(k for k, e in expected.items() if e["category"] == "SYSTEM_ERROR")
        check(sorted(alert_keys) == want, "alerts.ndjson: exactly the %d SYSTEM_ERROR events (%d)"
              % (len(want), len(alert_keys)))

        # 4. An Elasticsearch outage while sending: ACKs wait for delivery, nothing lost.
        es.call("POST", "/_emulator/reset")
        outage = 5.0  # longer than the Beats input's 3 s keep-alive interval
        reach = "'kakaopay_es' could not reach Elasticsearch"
        before = log_count(lp_log, reach)
        s = Sender(beats_port, sample, window=100, connections=4, timeout=120, hold=True)
        check(wait_until(lambda: s.seen("ready") or s.seen("error"), 20, "the Beats connections")
              and s.seen("ready"), "outage: 4 Beats connections open")
        t_down = time.monotonic()
        es.call("POST", "/_emulator/faults", {"outage_for": outage})
        t_up = t_down + outage  # the emulator's outage ends at or after this
        s.go()
        tried = wait_until(lambda: log_count(lp_log, reach) > before, outage,
                           "logpipe to find Elasticsearch down")
        t_tried = time.monotonic()
        check(tried and t_tried < t_up, "outage: logpipe tried Elasticsearch while it was down")
        sent = wait_until(lambda: s.seen("sent"), 10, "the sender's report of its first window")
        check(sent and sent[0][0] < t_up, "outage: windows were sent during the outage")
        rc = s.wait(150)
        acked = s.seen("acked")
        done = s.seen("done")
        check(rc == 0 and done and len(acked) == done[0][1]["windows"],
              "outage: every window acknowledged once Elasticsearch was back (rc %s, %d ACKs, %s)"
              % (rc, len(acked), (s.seen("error") or [(0, "")])[-1][1]))
        check(done and done[0][1]["keepalives"] >= 1,
              "outage: the waiting client got keep-alive ACK 0 frames (%s)" % (done and done[0][1]["keepalives"]))
        early = [e for t, e in acked if t < t_up]
        check(acked and not early, "outage: no window acknowledged before the recovery (%d of %d early)"
              % (len(early), len(acked)))
        check(es.stats()["outage_resets"] >= 1, "outage: the emulator refused connections")
        check_docs("after the outage", es.docs(), expected)

        # 5. SIGTERM with a window in flight (Elasticsearch down): drained, ACKed, exit 0.
        es.call("POST", "/_emulator/reset")
        first = lines[:50]
        part = os.path.join(tmp, "part.jsonl")
        write_lines(part, first)
        before = log_count(lp_log, reach)
        s = Sender(beats_port, part, window=50, connections=1, timeout=60, hold=True)
        check(wait_until(lambda: s.seen("ready") or s.seen("error"), 20, "the Beats connection")
              and s.seen("ready"), "sigterm: a Beats connection open")
        t_down = time.monotonic()
        es.call("POST", "/_emulator/faults", {"outage_for": outage})
        t_up = t_down + outage
        s.go()
        tried = wait_until(lambda: log_count(lp_log, reach) > before, outage,
                           "logpipe to find Elasticsearch down")
        check(tried and time.monotonic() < t_up, "sigterm: a window waits for Elasticsearch")
        lp.send_signal(15)
        try:
            rc = lp.wait(timeout=90)
        except subprocess.TimeoutExpired:
            lp.kill()
            rc = lp.wait()
        t_exit = time.monotonic()
        check(rc == 0, "sigterm: logpipe exits 0 (got %s)" % rc)
        check(t_exit >= t_up, "sigterm: logpipe waited for Elasticsearch before exiting")
        check_docs("sigterm", es.docs(), {e["key"]: e for e in map(expect, first)})
        rc = s.wait(30)
        check(rc == 0 and s.seen("acked"), "sigterm: the in-flight window was acknowledged (rc %s, %s)"
              % (rc, (s.seen("error") or [(0, "")])[-1][1]))
        log = open(lp_log, errors="replace").read()
        check("stopped" in log, "sigterm: logpipe reports a drained stop")
        check(not any(w in log for w in ("Sanitizer", "runtime error:")), "no sanitizer reports")
        if lptest.FAILURES:
            show(log)
    finally:
        if lp and lp.poll() is None:
            lp.kill()
            lp.wait()
        if am:
            am.stop()
        if es:
            es.stop()
        if lptest.FAILURES or os.environ.get("KEEP_WORK"):
            print("work files kept in %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


main()
print("%d passed, %d failed" % (PASSED[0], len(lptest.FAILURES)))
sys.exit(1 if lptest.FAILURES else 0)
