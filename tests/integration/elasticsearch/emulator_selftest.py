#!/usr/bin/env python3
"""Checks the emulator's own answers against Elasticsearch 8's shapes, so the
output's integration test rests on a faithful peer.

usage: emulator_selftest.py  (starts its own emulator on 127.0.0.1)"""
import base64
import gzip
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL [emulator]: " + what)


def call(port, method, path, body=None, headers=None, auth=("elastic", "pw")):
    h = dict(headers or {})
    if auth:
        h["Authorization"] = "Basic " + base64.b64encode(("%s:%s" % auth).encode()).decode()
    if body is not None and "Content-Type" not in h:
        h["Content-Type"] = "application/json"
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=body, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            data = r.read()
            return r.status, (json.loads(data) if data else None)
    except urllib.error.HTTPError as e:
        data = e.read()
        return e.code, (json.loads(data) if data else None)


def main():
    emu = subprocess.Popen([sys.executable, os.path.join(HERE, "es_emulator.py"), "--port", "0",
                            "--user", "elastic", "--password", "pw", "--api-key", "kid:kval",
                            "--reject", "amount=abc"], stdout=subprocess.PIPE)
    try:
        port = int(emu.stdout.readline())
        st, b = call(port, "GET", "/", auth=None)
        check(st == 401 and b["error"]["type"] == "security_exception" and b["status"] == 401, "401 without credentials")
        st, b = call(port, "GET", "/", auth=("elastic", "wrong"))
        check(st == 401, "401 with a wrong password")
        st, b = call(port, "GET", "/", auth=None,
                     headers={"Authorization": "ApiKey " + base64.b64encode(b"kid:kval").decode()})
        check(st == 200 and b["version"]["number"].startswith("8."), "GET / with an API key")
        st, b = call(port, "GET", "/")
        check(st == 200 and b["tagline"] == "You Know, for Search", "GET / with basic auth")

        # Templates.
        st, _ = call(port, "HEAD", "/_index_template/t")
        check(st == 404, "HEAD of a missing template is 404")
        st, b = call(port, "PUT", "/_index_template/t", b'{"index_patterns":["x-*"],"template":{}}')
        check(st == 200 and b == {"acknowledged": True}, "PUT _index_template")
        st, b = call(port, "GET", "/_index_template/t")
        check(st == 200 and b["index_templates"][0]["name"] == "t", "GET _index_template")
        st, b = call(port, "PUT", "/_index_template/u", b'{"template":{}}')
        check(st == 400 and b["error"]["type"] == "action_request_validation_exception", "template without patterns")
        st, b = call(port, "PUT", "/_template/l", b'{"index_patterns":["x-*"],"mappings":{}}')
        check(st == 200, "PUT legacy _template")

        # Bulk: every action, per-item results.
        body = (b'{"index":{"_index":"x-1","_id":"a"}}\n{"n":1}\n'
                b'{"index":{"_index":"x-1","_id":"a"}}\n{"n":2}\n'
                b'{"create":{"_index":"x-1","_id":"a"}}\n{"n":3}\n'
                b'{"update":{"_index":"x-1","_id":"b"}}\n{"doc":{"n":4}}\n'
                b'{"update":{"_index":"x-1","_id":"b"}}\n{"doc":{"n":5},"doc_as_upsert":true}\n'
                b'{"delete":{"_index":"x-1","_id":"a"}}\n'
                b'{"delete":{"_index":"x-1","_id":"zz"}}\n'
                b'{"index":{"_index":"x-1"}}\n{"amount":"abc"}\n'
                b'{"index":{"_index":"X-1"}}\n{"n":6}\n')
        st, b = call(port, "POST", "/_bulk", body, headers={"Content-Type": "application/x-ndjson"})
        check(st == 200 and b["errors"] is True and isinstance(b["took"], int), "bulk answer head")
        it = b["items"]
        check(len(it) == 9, "nine items")
        check(it[0]["index"]["status"] == 201 and it[0]["index"]["result"] == "created"
              and it[0]["index"]["_version"] == 1 and "_seq_no" in it[0]["index"], "index created")
        check(it[1]["index"]["status"] == 200 and it[1]["index"]["result"] == "updated"
              and it[1]["index"]["_version"] == 2, "index updated")
        check(it[2]["create"]["status"] == 409
              and it[2]["create"]["error"]["type"] == "version_conflict_engine_exception", "create conflict 409")
        check(it[3]["update"]["status"] == 404
              and it[3]["update"]["error"]["type"] == "document_missing_exception", "update of a missing doc")
        check(it[4]["update"]["status"] == 201, "update with doc_as_upsert creates")
        check(it[5]["delete"]["status"] == 200 and it[5]["delete"]["result"] == "deleted", "delete")
        check(it[6]["delete"]["status"] == 404 and it[6]["delete"]["result"] == "not_found"
              and "error" not in it[6]["delete"], "delete of a missing doc")
        check(it[7]["index"]["status"] == 400
              and it[7]["index"]["error"]["type"] == "document_parsing_exception", "rule: 400 document_parsing_exception")
        check(it[8]["index"]["status"] == 400
              and it[8]["index"]["error"]["type"] == "invalid_index_name_exception", "upper-case index name")

        # filter_path and gzip, index in the URL.
        body = b'{"index":{}}\n{"n":7}\n'
        st, b = call(port, "POST", "/x-2/_bulk?filter_path=errors,items.*.error,items.*.status",
                     gzip.compress(body), headers={"Content-Encoding": "gzip"})
        check(st == 200 and b == {"errors": False, "items": [{"index": {"status": 201}}]}, "filter_path + gzip: %r" % (b,))

        # Malformed bodies.
        st, b = call(port, "POST", "/_bulk", b'{"index":{"_index":"x"}}\n{"n":1}')
        check(st == 400 and "terminated by a newline" in b["error"]["reason"], "missing final newline")
        st, b = call(port, "POST", "/_bulk", b'{"upsert":{}}\n')
        check(st == 400 and b["error"]["type"] == "illegal_argument_exception", "unknown action")
        st, b = call(port, "POST", "/_bulk", b'nope\n')
        check(st == 400 and b["error"]["type"] == "x_content_parse_exception", "not JSON")
        st, b = call(port, "POST", "/_bulk", b'')
        check(st == 400 and b["error"]["type"] == "action_request_validation_exception", "empty body")
        st, b = call(port, "POST", "/_bulk", b'{"index":{}}\n{}\n')
        check(st == 400 and "index is missing" in b["error"]["reason"], "no index")
        st, b = call(port, "POST", "/_bulk", b'{"index":{"_index":"x"}}\n{}\n', headers={"Content-Type": "text/plain"})
        check(st == 406, "unsupported content type")

        # Inspection.
        with urllib.request.urlopen("http://127.0.0.1:%d/_emulator/docs" % port) as r:
            docs = [json.loads(l) for l in r.read().splitlines()]
        check(sorted((d["_index"], d["_source"].get("n")) for d in docs) == [("x-1", 5), ("x-2", 7)],
              "documents read back: %r" % (docs,))
        with urllib.request.urlopen("http://127.0.0.1:%d/_emulator/stats" % port) as r:
            s = json.loads(r.read())
        check(s["template_put_count"] == 2 and s["gzip_requests"] == 1 and s["auth_failures"] == 2, "counters: %r" % (s,))
    finally:
        emu.terminate()
        emu.wait()
    print("emulator self-test: %s" % ("FAILED" if failures else "passed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
