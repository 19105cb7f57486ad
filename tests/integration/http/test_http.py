"""Integration test of the http output against a recording server on
127.0.0.1: every format, mapping, headers, basic auth, compression, retries
on 503, ignorable codes, a 400 rejected and logged (not retried)."""

import base64
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
from lptest import (Recorder, check, finish, run_logpipe, show, binary_from_argv,  # noqa: E402
                    logpipe_args, self_signed_cert, wait_until)

LP = binary_from_argv()
srv = Recorder()

EVENTS = [
    {"id": "e1", "service": "payment-api", "level": "ERROR", "message": "db down", "n": 1},
    {"id": "e2", "service": "ledger", "level": "WARN", "message": "slow \"disk\"", "n": 2},
    {"id": "e3", "service": "payment-api", "level": "INFO", "message": "ok & done", "n": 3},
]


def pipeline(output):
    return "input { stdin { codec => json_lines } } output { %s }" % output


def run(name, output, events=EVENTS, timeout=120):
    rc, out, err = run_logpipe(LP, pipeline(output), events, timeout=timeout)
    check(rc == 0, "%s: logpipe exits 0 (got %s)" % (name, rc))
    if rc != 0:
        show(err)
    return err


# 1. format json (the default): url and header values are sprintf'd per event,
#    basic auth, Content-Type application/json, the whole event as body.
srv.auth["/auth/e1"] = ("alice", "s3cret")
srv.auth["/auth/e2"] = ("alice", "s3cret")
srv.auth["/auth/e3"] = ("alice", "s3cret")
run("json", """http {
      url => "%s"
      http_method => "post"
      user => "alice"
      password => "s3cret"
      headers => { "X-Service" => "%%{service}" "X-Static" => "fixed" }
    }""" % srv.url("/auth/%{id}"))
reqs = srv.on("/auth/")
check(len(reqs) == 3, "json: one request per event (got %d)" % len(reqs))
check(sorted(r["path"] for r in reqs) == ["/auth/e1", "/auth/e2", "/auth/e3"],
      "json: url sprintf'd per event")
want_auth = "Basic " + base64.b64encode(b"alice:s3cret").decode()
check(all(r["headers"].get("authorization") == want_auth for r in reqs), "json: basic auth sent")
check(all(r["status"] == 200 for r in reqs), "json: every request authorised")
check(all(r["method"] == "POST" for r in reqs), "json: method POST")
check(all(r["headers"].get("content-type") == "application/json" for r in reqs),
      "json: Content-Type application/json")
by_id = {}
for r in reqs:
    try:
        doc = json.loads(r["body"])
    except ValueError:
        doc = {}
    by_id[doc.get("id")] = (r, doc)
if set(by_id) == {"e1", "e2", "e3"}:
    r1, d1 = by_id["e1"]
    check(d1.get("message") == "db down" and d1.get("n") == 1 and "@timestamp" in d1,
          "json: the body is the event")
    check(r1["headers"].get("x-service") == "payment-api", "json: header value sprintf'd")
    check(by_id["e2"][0]["headers"].get("x-service") == "ledger", "json: header per event")
    check(r1["headers"].get("x-static") == "fixed", "json: constant header")
    check(by_id["e2"][1].get("message") == 'slow "disk"', "json: string escaping")
else:
    check(False, "json: bodies carry the events' ids (got %s)" % sorted(map(str, by_id)))

# 2. mapping: nested hashes and arrays, every leaf sprintf'd; method put.
run("mapping", """http {
      url => "%s"
      http_method => "put"
      mapping => {
        "labels" => { "alertname" => "SystemError" "service" => "%%{service}" }
        "annotations" => { "description" => "%%{message}" }
        "list" => [ "a", "%%{level}", { "deep" => "%%{[missing]}" } ]
        "count" => 5
      }
    }""" % srv.url("/map"), events=EVENTS[:1])
reqs = srv.on("/map")
check(len(reqs) == 1 and reqs[0]["method"] == "PUT", "mapping: one PUT")
if reqs:
    try:
        doc = json.loads(reqs[0]["body"])
    except ValueError:
        doc = None
    check(doc == {"labels": {"alertname": "SystemError", "service": "payment-api"},
                  "annotations": {"description": "db down"},
                  "list": ["a", "ERROR", {"deep": "%{[missing]}"}],
                  "count": "5"},
          "mapping: rendered body (got %s)" % reqs[0]["body"])
    check(list(doc or {}) == ["labels", "annotations", "list", "count"], "mapping: key order kept")

# 3. json_batch: one JSON array per batch, mapping applied to each element.
run("json_batch", """http {
      url => "%s"
      http_method => "post"
      format => "json_batch"
      mapping => { "id" => "%%{id}" "svc" => "%%{service}" }
    }""" % srv.url("/batch"))
reqs = srv.on("/batch")
elements = []
for r in reqs:
    try:
        doc = json.loads(r["body"])
    except ValueError:
        doc = None
    check(isinstance(doc, list), "json_batch: the body is an array")
    elements += doc if isinstance(doc, list) else []
check(1 <= len(reqs) <= 3 and len(reqs) < len(EVENTS) + 1, "json_batch: batched (%d requests)" % len(reqs))
check(sorted(e.get("id") for e in elements) == ["e1", "e2", "e3"], "json_batch: every event once")
check(all(r["headers"].get("content-type") == "application/json" for r in reqs),
      "json_batch: Content-Type application/json")

# 4. form with a mapping; 5. form without one.
run("form", """http {
      url => "%s"
      http_method => "post"
      format => "form"
      mapping => { "svc" => "%%{service}" "msg" => "%%{message}" }
    }""" % srv.url("/form"), events=EVENTS[2:])
reqs = srv.on("/form")
check(len(reqs) == 1 and reqs[0]["body"] == "svc=payment-api&msg=ok+%26+done",
      "form: url-encoded mapping (got %r)" % (reqs[0]["body"] if reqs else None))
check(bool(reqs) and reqs[0]["headers"].get("content-type") == "application/x-www-form-urlencoded",
      "form: Content-Type")
run("form event", """http { url => "%s" http_method => "post" format => "form" }"""
    % srv.url("/form2"), events=EVENTS[:1])
reqs = srv.on("/form2")
body = reqs[0]["body"] if reqs else ""
check("message=db+down" in body and "service=payment-api" in body and "n=1" in body,
      "form: the event's fields (got %r)" % body)

# 6. message format, custom content_type, http_compression.
run("message", """http {
      url => "%s"
      http_method => "post"
      format => "message"
      message => "%%{service}: %%{message}"
      content_type => "text/x-log"
      http_compression => true
    }""" % srv.url("/msg"), events=EVENTS[:2])
reqs = srv.on("/msg")
check(sorted(r["body"] for r in reqs) == ['ledger: slow "disk"', "payment-api: db down"],
      "message: the message template is the body")
check(all(r["headers"].get("content-type") == "text/x-log" for r in reqs), "message: content_type")
check(len(reqs) == 2 and all(r["gzip"] for r in reqs), "message: gzip'd with http_compression")

# 7. retries: 503 twice, then 200; the event arrives and logpipe ends normally.
srv.script("/flaky", [(503, "busy"), (503, "busy"), (200, "ok")])
err = run("retry", """http { url => "%s" http_method => "post" }""" % srv.url("/flaky"),
          events=EVENTS[:1])
reqs = srv.on("/flaky")
check(len(reqs) == 3, "retry: 503, 503, then success (%d requests)" % len(reqs))
check("503" in err, "retry: the 503 is logged")

# 8. ignorable codes count as delivered: no retry, no rejection.
srv.script("/gone", [(404, "no such thing")])
err = run("ignorable", """http { url => "%s" http_method => "post" ignorable_codes => [404] }"""
          % srv.url("/gone"), events=EVENTS[:1])
check(len(srv.on("/gone")) == 1, "ignorable: one request")
check("answered HTTP 404" not in err and "ERROR" not in err, "ignorable: nothing rejected or logged as an error")

# 9. a 400 is rejected and logged with the status and the response body, once.
srv.script("/bad", [(400, "mapper_parsing_exception: failed to parse [n]")])
err = run("rejected", """http { url => "%s" http_method => "post" }""" % srv.url("/bad"),
          events=EVENTS[:2], timeout=60)
check(len(srv.on("/bad")) == 2, "rejected: one request per event, not retried (%d)" % len(srv.on("/bad")))
check("400" in err and "mapper_parsing_exception: failed to parse [n]" in err,
      "rejected: logged with status and body")
if "mapper_parsing_exception" not in err:
    show(err)

# 10. retry_failed => false: a 503 is rejected at once.
srv.script("/noretry", [(503, "down for maintenance")])
err = run("no retry", """http { url => "%s" http_method => "post" retry_failed => false }"""
          % srv.url("/noretry"), events=EVENTS[:1], timeout=60)
check(len(srv.on("/noretry")) == 1, "retry_failed false: a single attempt")
check("down for maintenance" in err, "retry_failed false: logged with the body")

# 11. custom retryable_codes: 409 retried, then accepted.
srv.script("/conflict", [(409, "conflict"), (201, "created")])
run("retryable_codes", """http { url => "%s" http_method => "post" retryable_codes => [409] }"""
    % srv.url("/conflict"), events=EVENTS[:1])
check(len(srv.on("/conflict")) == 2, "retryable_codes: 409 retried once, then 201")

# 12. config errors are reported before anything runs.
rc, out, err = run_logpipe(LP, pipeline("""http { url => "%s" }""" % srv.url("/x")), [], timeout=30)
check(rc == 1 and "http_method" in err, "config: http_method is required")
rc, out, err = run_logpipe(LP, pipeline("""http { url => "%s" http_method => "post" format => "message" }"""
                                        % srv.url("/x")), [], timeout=30)
check(rc == 1 and "message" in err, "config: format message needs message")

# 13. TLS: trusted through ssl_certificate_authorities, or not verified with
#     ssl_verification_mode none; an untrusted certificate is retried (the
#     event waits) with the reason logged.
tmp = tempfile.mkdtemp(prefix="lp-http-tls-")
cert, key = self_signed_cert(tmp)
tls = Recorder(tls=(cert, key))
run("tls ca", """http { url => "%s" http_method => "post" ssl_certificate_authorities => ["%s"] }"""
    % (tls.url("/ca"), cert), events=EVENTS[:1])
check(len(tls.on("/ca")) == 1, "tls: delivered with the CA file")
run("tls none", """http { url => "%s" http_method => "post" ssl_verification_mode => "none" }"""
    % tls.url("/none"), events=EVENTS[:1])
check(len(tls.on("/none")) == 1, "tls: delivered without verification")
errlog = os.path.join(tmp, "untrusted.err")
with open(errlog, "wb") as ef:
    p = subprocess.Popen(logpipe_args(LP, pipeline("""http { url => "%s" http_method => "post" }"""
                                                   % tls.url("/untrusted")), tmp),
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=ef)
    p.stdin.write((json.dumps(EVENTS[0]) + "\n").encode())
    p.stdin.close()

    def logged():
        with open(errlog, errors="replace") as f:
            return "certificate" in f.read()

    wait_until(logged, 30, "the certificate failure to be logged")
    check(p.poll() is None, "tls: an untrusted certificate is retried, not dropped")
    p.kill()
    p.wait()
check(len(tls.on("/untrusted")) == 0, "tls: nothing was sent to the untrusted server")
tls.stop()

# 14. With the dead-letter queue enabled, a rejected event is kept there with
#     the status and the response body as the reason.
srv.script("/dlq", [(422, "unprocessable: amount must be positive")])
dlq_data = os.path.join(tmp, "data")
rc, out, err = run_logpipe(LP, pipeline("""http { id => "hook" url => "%s" http_method => "post" }"""
                                        % srv.url("/dlq")), EVENTS[:1], timeout=60,
                           extra=("--dead_letter_queue.enable", "true"), data_dir=dlq_data)
check(rc == 0, "dlq: logpipe exits 0 (got %s)" % rc)
entries = []
qdir = os.path.join(dlq_data, "dead_letter_queue", "main")
for name in sorted(os.listdir(qdir)) if os.path.isdir(qdir) else []:
    if name.endswith(".log"):
        with open(os.path.join(qdir, name)) as f:
            entries += [json.loads(line) for line in f if line.strip()]
check(len(entries) == 1, "dlq: one entry (got %d)" % len(entries))
if entries:
    e = entries[0]
    check(e.get("plugin_type") == "http" and e.get("plugin_id") == "hook", "dlq: the plugin is named")
    check("422" in e.get("reason", "") and "amount must be positive" in e.get("reason", ""),
          "dlq: the reason has the status and the body (%r)" % e.get("reason"))
    check(e.get("event", {}).get("id") == "e1", "dlq: the original event is kept")
shutil.rmtree(tmp, ignore_errors=True)

srv.stop()
finish()
