"""Integration test of the alertmanager output against a real Prometheus
Alertmanager (Debian's prometheus-alertmanager) started on 127.0.0.1 with a
temporary config and storage, routing to a webhook receiver of this test.

Proves: SYSTEM_ERROR events become alerts (GET /api/v2/alerts) with the right
labels and annotations and the webhook is notified; BUSINESS_ERROR events do
not alert; with Alertmanager stopped, alerts wait and are delivered once it is
back; an invalid alert (its only label rendered empty) is logged with
Alertmanager's answer and not retried forever."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "http"))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from lptest import (Recorder, check, finish, logpipe_args, run_logpipe, show,  # noqa: E402
                    wait_until, binary_from_argv)
import alertmanager  # noqa: E402

LP = binary_from_argv()
if not alertmanager.binary():
    print("FAIL prometheus-alertmanager is not installed (Debian package prometheus-alertmanager)")
    sys.exit(1)

tmp = tempfile.mkdtemp(prefix="lp-am-")
hook = Recorder()
free_port = alertmanager.free_port
AM = alertmanager.Alertmanager(tmp, webhook_url=hook.url("/hook"))
AM_URL = AM.url
am_get = AM.get
am_stop = AM.stop
alerts = AM.alerts


def am_start():
    check(AM.start(), "Alertmanager ready")


def alert_for(service):
    for a in alerts():
        if a.get("labels", {}).get("service") == service:
            return a
    return None


def notified(service):
    for r in hook.on("/hook"):
        try:
            doc = json.loads(r["body"])
        except ValueError:
            continue
        for a in doc.get("alerts", []):
            if a.get("labels", {}).get("service") == service:
                return a
    return None


# The payment pipeline's rule: ERROR without an error_code is a system error.
CONFIG = """
input { stdin { codec => json_lines } }
output {
  if [level] == "ERROR" and ![context][error_code] {
    alertmanager {
      url => "%s"
      labels => {
        "alertname" => "SystemError"
        "service" => "%%{service}"
        "severity" => "critical"
      }
      annotations => {
        "summary" => "System error in %%{service}"
        "description" => "%%{message}"
      }
      ends_in => "10m"
    }
  }
}
"""

try:
    am_start()

    # 1. System errors alert; business errors do not.
    events = [
        {"service": "payment-api", "level": "ERROR", "message": "connection pool exhausted",
         "error_category": "SYSTEM_ERROR"},
        {"service": "checkout", "level": "ERROR", "message": "card declined",
         "context": {"error_code": "CARD_DECLINED"}, "error_category": "BUSINESS_ERROR"},
        {"service": "payment-api", "level": "ERROR", "message": "connection pool exhausted again",
         "error_category": "SYSTEM_ERROR"},
        {"service": "ledger", "level": "ERROR", "message": "disk full", "error_category": "SYSTEM_ERROR"},
        {"service": "checkout", "level": "INFO", "message": "paid"},
    ]
    rc, out, err = run_logpipe(LP, CONFIG % AM_URL, events)
    check(rc == 0, "system errors: logpipe exits 0 (got %s)" % rc)
    if rc != 0:
        show(err)
    a = wait_until(lambda: alert_for("payment-api"), 10, "the payment-api alert")
    if a:
        check(a["labels"] == {"alertname": "SystemError", "service": "payment-api",
                              "severity": "critical"},
              "system errors: labels (got %s)" % a["labels"])
        check(a["annotations"].get("summary") == "System error in payment-api",
              "system errors: summary annotation")
        check(a["annotations"].get("description") in ("connection pool exhausted",
                                                      "connection pool exhausted again"),
              "system errors: description annotation (got %r)" % a["annotations"].get("description"))
        check(a["status"]["state"] == "active", "system errors: the alert is active")
    check(alert_for("ledger") is not None, "system errors: the ledger alert")
    check(len([x for x in alerts() if x["labels"].get("service") == "payment-api"]) == 1,
          "system errors: identical alerts are one alert")
    n = wait_until(lambda: notified("payment-api") and notified("ledger"), 30,
                   "the webhook notifications")
    if n:
        hooked = notified("payment-api")
        check(hooked["labels"].get("alertname") == "SystemError" and
              hooked["annotations"].get("summary") == "System error in payment-api",
              "webhook: notified with labels and annotations")
    check(alert_for("checkout") is None, "business errors: no alert")
    check(notified("checkout") is None, "business errors: no notification")

    # 2. Alertmanager down: the alert waits and is delivered once it is back.
    am_stop()
    check(am_get("/-/ready")[0] == 0, "outage: Alertmanager is stopped")
    data_dir = tempfile.mkdtemp(prefix="lp-am-data-", dir=tmp)
    errlog = os.path.join(tmp, "outage.err")
    with open(errlog, "wb") as ef:
        lp = subprocess.Popen(logpipe_args(LP, CONFIG % AM_URL, data_dir), stdin=subprocess.PIPE,
                              stdout=subprocess.DEVNULL, stderr=ef)
        lp.stdin.write((json.dumps({"service": "outage-svc", "level": "ERROR",
                                    "message": "while Alertmanager was down"}) + "\n").encode())
        lp.stdin.close()

        def retrying():
            with open(errlog, errors="replace") as f:
                return "retr" in f.read()

        wait_until(retrying, 30, "logpipe to report that it retries")
        check(lp.poll() is None, "outage: logpipe waits (does not exit or drop the alert)")
        am_start()
        a = wait_until(lambda: alert_for("outage-svc"), 90, "the alert sent during the outage")
        check(a is not None and a["annotations"].get("description") == "while Alertmanager was down",
              "outage: the alert is delivered once Alertmanager is back")
        try:
            rc = lp.wait(timeout=60)
        except subprocess.TimeoutExpired:
            lp.kill()
            rc = None
        check(rc == 0, "outage: logpipe exits 0 after delivering (got %s)" % rc)
    check(wait_until(lambda: notified("outage-svc"), 30, "the outage alert's notification") is not None,
          "outage: the webhook is notified")

    # 3. An invalid alert (its only label rendered empty) next to a valid one:
    #    Alertmanager answers 400; the valid alert is delivered, the invalid one
    #    is logged with Alertmanager's answer and not retried forever.
    bad = """
input { stdin { codec => json_lines } }
output {
  alertmanager {
    url => "%s"
    labels => { "alertname" => "%%{name}" }
    annotations => { "description" => "%%{message}" }
  }
}
""" % AM_URL
    rc, out, err = run_logpipe(LP, bad, [{"name": "", "message": "empty name"},
                                         {"name": "ValidOne", "message": "fine"}], timeout=60)
    check(rc == 0, "invalid alert: logpipe ends (not retried forever; got %s)" % rc)
    check("400" in err and "at least one label pair required" in err,
          "invalid alert: logged with Alertmanager's answer")
    if "at least one label pair required" not in err:
        show(err)
    check(any(x["labels"].get("alertname") == "ValidOne" for x in alerts()),
          "invalid alert: the valid alert of the same batch is delivered")

    # 4. docs/alertmanager.md: the http output with json_batch to the v2 API
    #    works; the seed's original block (one object to /api/v1/alerts) is
    #    refused by Alertmanager, and logpipe logs the answer and goes on.
    MAPPING = '''mapping => {
        "labels" => { "alertname" => "SystemError" "service" => "%{service}" "severity" => "critical" }
        "annotations" => { "summary" => "System error in %{service}" "description" => "%{message}" }
      }'''
    http_v2 = '''input { stdin { codec => json_lines } }
output { http { url => "%s/api/v2/alerts" http_method => "post" format => "json_batch" %s } }''' % (AM_URL, MAPPING)
    rc, out, err = run_logpipe(LP, http_v2, [{"service": "via-http", "message": "json_batch"}])
    check(rc == 0, "http json_batch: logpipe exits 0 (got %s)" % rc)
    a = wait_until(lambda: alert_for("via-http"), 10, "the alert posted by the http output")
    check(a is not None and a["annotations"].get("description") == "json_batch",
          "http json_batch: the alert is in Alertmanager")
    seed = '''input { stdin { codec => json_lines } }
output { http { url => "%s/api/v1/alerts" http_method => "post" format => "json" %s } }''' % (AM_URL, MAPPING)
    rc, out, err = run_logpipe(LP, seed, [{"service": "via-seed", "message": "v1"}], timeout=60)
    check(rc == 0, "seed block: logpipe ends (got %s)" % rc)
    check(alert_for("via-seed") is None, "seed block: no alert reaches Alertmanager")
    check("/api/v1/alerts' answered HTTP 4" in err, "seed block: Alertmanager's refusal is logged")

    # 5. Several Alertmanagers (an HA pair): each receives every alert; one of
    #    them down does not hold the alerts back.
    ha = '''input { stdin { codec => json_lines } }
output { alertmanager { url => [ "%s", "%s" ] labels => { "alertname" => "HA" "service" => "%%{service}" } } }'''
    rc, out, err = run_logpipe(LP, ha % (AM_URL, hook.url("/peer")),
                               [{"service": "ha-1"}, {"service": "ha-2"}, {"service": "ha-1"}])
    check(rc == 0, "HA: logpipe exits 0 (got %s)" % rc)
    peer = [a for r in hook.on("/peer/api/v2/alerts") for a in json.loads(r["body"])]
    check(sorted(a["labels"]["service"] for a in peer) == ["ha-1", "ha-2"],
          "HA: the second Alertmanager got every alert, identical ones merged (%s)"
          % [a["labels"] for a in peer])
    check(alert_for("ha-1") is not None and alert_for("ha-2") is not None,
          "HA: the first Alertmanager got every alert")
    dead = "http://127.0.0.1:%d" % free_port()
    rc, out, err = run_logpipe(LP, ha % (dead, AM_URL), [{"service": "ha-3"}], timeout=60)
    check(rc == 0 and alert_for("ha-3") is not None,
          "HA: delivered through the Alertmanager that is up (rc %s)" % rc)

    # 6. Config errors: alertname is required; the v1 API is refused.
    rc, out, err = run_logpipe(LP, """input { stdin {} } output { alertmanager {
        url => "%s" labels => { "service" => "x" } } }""" % AM_URL, [], timeout=30)
    check(rc == 1 and "alertname" in err, "config: alertname is required")
    rc, out, err = run_logpipe(LP, """input { stdin {} } output { alertmanager {
        url => "%s/api/v1/alerts" labels => { "alertname" => "x" } } }""" % AM_URL, [], timeout=30)
    check(rc == 1 and "v1" in err, "config: the v1 API URL is refused with a reason")
finally:
    am_stop()
    hook.stop()
    shutil.rmtree(tmp, ignore_errors=True)

finish()
