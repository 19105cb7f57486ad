#!/usr/bin/env python3
"""An Elasticsearch 8.x emulator for logpipe's tests (standard library only).

It answers what the elasticsearch output uses, shaped like Elasticsearch 8
(or 7 with --es-version 7.17.22):

  GET /                                  cluster info (version.number)
  PUT|GET|HEAD|DELETE /_index_template/N composable index templates
  PUT|GET|HEAD|DELETE /_template/N       legacy index templates
  POST|PUT /_bulk, /<index>/_bulk         index, create, update (doc,
                                         doc_as_upsert), delete; per-item
                                         results; filter_path; gzip bodies
  GET /<index>/_doc/<id>, GET /<index>/_count

TLS: --tls-cert/--tls-key serve HTTPS instead of HTTP.

Security: with --user/--password and/or --api-key ID:KEY every cluster request
needs Basic or ApiKey credentials (401 security_exception otherwise).

Fault injection (flags, or POST /_emulator/faults with the same names in a
JSON object, e.g. {"item_429_fraction": 0.1}):

  item_429_fraction F     each bulk item rejected with 429 with probability F
  bulk_fault_status S     whole _bulk requests answered S (429 or 503) ...
  bulk_fault_every P      ... during windows that open every P seconds ...
  bulk_fault_for D        ... and last D seconds (counted from the first bulk)
  drop_fraction F         a _bulk request is processed, then its connection is
                          dropped in the middle of the response (probability F)
  outage_after N          after N _bulk requests, the server is down ...
  outage_seconds S        ... for S seconds: connections are reset
  outage_for S            (control endpoint only) start an outage now
  reject FIELD=VALUE      documents whose FIELD (dotted path) equals VALUE get
                          a 400 document_parsing_exception (repeatable)

Inspection (never needs credentials):

  GET  /_emulator/docs    every stored document, one JSON line each:
                          {"_index","_id","_version","_source"}
  GET  /_emulator/stats   counters: requests, bulk_requests, items by status,
                          template_puts, dropped_connections, ...
  POST /_emulator/reset   forget documents, templates and counters

The port (chosen by the system with --port 0) is printed on stdout, alone on
its line, once the server accepts connections.
"""

import argparse
import base64
import gzip
import http.server
import json
import random
import re
import secrets
import socket
import socketserver
import struct
import sys
import threading
import time
import urllib.parse
import uuid

INVALID_INDEX_CHARS = set('\\/*?"<>| ,#:')


def es_error(etype, reason, status, **extra):
    """An Elasticsearch error response body."""
    root = {"type": etype, "reason": reason}
    root.update(extra)
    err = dict(root)
    err["root_cause"] = [dict(root)]
    # root_cause first, as Elasticsearch writes it
    ordered = {"root_cause": err.pop("root_cause")}
    ordered.update(err)
    return {"error": ordered, "status": status}


def filter_value(value, patterns):
    """Applies filter_path patterns (lists of segments, '*' wildcards)."""
    if not patterns:
        return value
    if isinstance(value, list):
        out = []
        for v in value:
            f = filter_value(v, patterns)
            if f is not None:
                out.append(f)
        return out if out else None
    if not isinstance(value, dict):
        return None
    out = {}
    for k, v in value.items():
        rest = []
        whole = False
        for p in patterns:
            if p and (p[0] == "*" or p[0] == k or
                      ("*" in p[0] and re.fullmatch(re.escape(p[0]).replace(r"\*", ".*"), k))):
                if len(p) == 1:
                    whole = True
                else:
                    rest.append(p[1:])
        if whole:
            out[k] = v
        elif rest:
            f = filter_value(v, rest)
            if f is not None and f != {} and f != []:
                out[k] = f
    return out if out else None


def parse_filter_path(text):
    if not text:
        return None
    return [p.split(".") for p in text.split(",") if p]


def valid_index_name(name):
    if not name:
        return "must not be empty"
    if name != name.lower():
        return "must be lowercase"
    if name[0] in "_-+":
        return "must not start with '_', '-', or '+'"
    if name in (".", ".."):
        return "must not be '.' or '..'"
    bad = [c for c in name if c in INVALID_INDEX_CHARS]
    if bad:
        return "must not contain the following characters [ , \", *, \\, <, |, ,, >, /, ?]"
    if len(name.encode()) > 255:
        return "index name is too long"
    return None


def get_path(doc, dotted):
    cur = doc
    for part in dotted.split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        else:
            return None
    return cur


def deep_merge(dst, src):
    changed = False
    for k, v in src.items():
        if isinstance(v, dict) and isinstance(dst.get(k), dict):
            changed |= deep_merge(dst[k], v)
        elif dst.get(k, object()) != v or k not in dst:
            dst[k] = v
            changed = True
    return changed


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.args = args
        self.version = args.es_version
        self.users = {}
        if args.user:
            self.users[args.user] = args.password or ""
        self.api_keys = {}
        for k in args.api_key or []:
            kid, _, key = k.partition(":")
            self.api_keys[kid] = key
        self.rng = random.Random(args.seed)
        self.faults = {
            "item_429_fraction": args.item_429_fraction,
            "bulk_fault_status": args.bulk_fault_status,
            "bulk_fault_every": args.bulk_fault_every,
            "bulk_fault_for": args.bulk_fault_for,
            "drop_fraction": args.drop_fraction,
            "outage_after": args.outage_after,
            "outage_seconds": args.outage_seconds,
            "reject": list(args.reject or []),
        }
        self.reset()

    def reset(self):
        self.indices = {}          # index -> {id: {"_version", "_seq_no", "_source"}}
        self.index_templates = {}  # composable
        self.legacy_templates = {}
        self.stats = {
            "requests": 0, "bulk_requests": 0, "bulk_items": 0, "items_by_status": {},
            "template_puts": {}, "template_put_count": 0, "gzip_requests": 0,
            "auth_failures": 0, "dropped_connections": 0, "outage_resets": 0,
            "bulk_fault_responses": 0, "malformed_requests": 0, "docs": 0,
        }
        self.first_bulk = None
        self.outage_until = 0.0
        self.outage_done = False
        self.seq_no = 0

    def count(self, key, n=1):
        self.stats[key] = self.stats.get(key, 0) + n

    def in_outage(self):
        return time.monotonic() < self.outage_until

    def auth_required(self):
        return bool(self.users or self.api_keys)

    def check_auth(self, header):
        if not self.auth_required():
            return True
        if not header:
            return False
        scheme, _, cred = header.partition(" ")
        try:
            raw = base64.b64decode(cred.strip(), validate=True).decode()
        except Exception:
            return False
        a, sep, b = raw.partition(":")
        if not sep:
            return False
        if scheme.lower() == "basic":
            return a in self.users and self.users[a] == b
        if scheme.lower() == "apikey":
            return a in self.api_keys and self.api_keys[a] == b
        return False


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "es-emulator"
    sys_version = ""

    def log_message(self, fmt, *args):
        if self.server.state.args.verbose:
            sys.stderr.write("es_emulator: " + (fmt % args) + "\n")

    # -- plumbing ---------------------------------------------------------

    def reset_connection(self):
        """Closes the connection abruptly (RST), as a crashed node would."""
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close_connection = True
        try:
            self.connection.close()
        except OSError:
            pass

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = bytearray()
            while True:
                line = self.rfile.readline()
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                data += self.rfile.read(size)
                self.rfile.readline()
            body = bytes(data)
        else:
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else b""
        if self.headers.get("Content-Encoding", "").lower() == "gzip":
            with self.server.state.lock:
                self.server.state.count("gzip_requests")
            body = gzip.decompress(body)
        return body

    def send_json(self, status, obj, head_only=False, extra_headers=None, drop_midway=False):
        body = b"" if obj is None else json.dumps(obj, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-elastic-product", "Elasticsearch")
        for k, v in (extra_headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if head_only:
            return
        if drop_midway:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.reset_connection()
            return
        self.wfile.write(body)

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (ConnectionError, BrokenPipeError, ValueError, OSError):
            self.close_connection = True

    def finish(self):
        try:
            super().finish()
        except (OSError, ValueError):
            pass

    def do_GET(self):
        self.dispatch("GET")

    def do_HEAD(self):
        self.dispatch("HEAD")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_DELETE(self):
        self.dispatch("DELETE")

    # -- routing ----------------------------------------------------------

    def dispatch(self, method):
        st = self.server.state
        url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(url.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        parts = [p for p in path.split("/") if p]
        try:
            body = self.read_body() if method in ("POST", "PUT") else b""
        except (OSError, ValueError) as e:
            self.send_json(400, es_error("parse_exception", "request body is not valid: %s" % e, 400))
            return

        if parts and parts[0] == "_emulator":
            self.emulator_endpoint(method, parts[1:], body, query)
            return

        with st.lock:
            st.count("requests")
            outage = st.in_outage()
            if outage:
                st.count("outage_resets")
        if outage:
            self.reset_connection()
            return

        if not st.check_auth(self.headers.get("Authorization")):
            with st.lock:
                st.count("auth_failures")
            self.send_json(401, es_error(
                "security_exception",
                "missing authentication credentials for REST request [%s]" % self.path, 401,
                header={"WWW-Authenticate": ["Basic realm=\"security\" charset=\"UTF-8\"",
                                             "ApiKey"]}),
                head_only=method == "HEAD",
                extra_headers={"WWW-Authenticate": "Basic realm=\"security\" charset=\"UTF-8\""})
            return

        fp = parse_filter_path(query.get("filter_path"))

        if not parts:
            if method in ("GET", "HEAD"):
                self.send_json(200, self.root_info(), head_only=method == "HEAD")
                return
        elif parts[0] in ("_index_template", "_template") and len(parts) == 2:
            self.template(method, parts[0], parts[1], body)
            return
        elif parts[-1] == "_bulk" and len(parts) <= 2 and method in ("POST", "PUT"):
            self.bulk(parts[0] if len(parts) == 2 else None, body, fp)
            return
        elif len(parts) == 3 and parts[1] == "_doc" and method in ("GET", "HEAD"):
            self.get_doc(parts[0], parts[2], method == "HEAD")
            return
        elif len(parts) == 2 and parts[1] == "_count" and method in ("GET", "POST"):
            with st.lock:
                n = sum(len(st.indices.get(i, {})) for i in self.matching_indices(parts[0]))
            self.send_json(200, {"count": n, "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0}})
            return
        self.send_json(405 if parts else 405, es_error(
            "illegal_argument_exception",
            "Incorrect HTTP method for uri [%s] and method [%s]" % (self.path, method), 405),
            head_only=method == "HEAD")

    def matching_indices(self, pattern):
        st = self.server.state
        rx = re.compile("|".join(re.escape(p).replace(r"\*", ".*") for p in pattern.split(",")))
        return [i for i in st.indices if rx.fullmatch(i)]

    def root_info(self):
        st = self.server.state
        major = int(st.version.split(".")[0])
        info = {
            "name": "emulator-node-0",
            "cluster_name": "logpipe-emulator",
            "cluster_uuid": "Xq9B3mJtQ1uFv7z0pY2k4A",
            "version": {
                "number": st.version,
                "build_flavor": "default",
                "build_type": "docker",
                "build_hash": "48a287ab9497e852de30327444b0809e55d46466",
                "build_date": "2024-05-02T10:16:52.964427582Z",
                "build_snapshot": False,
                "lucene_version": "9.10.0" if major >= 8 else "8.11.3",
                "minimum_wire_compatibility_version": "7.17.0" if major >= 8 else "6.8.0",
                "minimum_index_compatibility_version": "7.0.0" if major >= 8 else "6.0.0-beta1",
            },
            "tagline": "You Know, for Search",
        }
        return info

    # -- templates --------------------------------------------------------

    def template(self, method, api, name, body):
        st = self.server.state
        store_name = "index_templates" if api == "_index_template" else "legacy_templates"
        if method in ("GET", "HEAD"):
            with st.lock:
                t = getattr(st, store_name).get(name)
            if t is None:
                if api == "_index_template":
                    err = es_error("resource_not_found_exception",
                                   "index template matching [%s] not found" % name, 404)
                else:
                    err = {}
                self.send_json(404, err, head_only=method == "HEAD")
            elif api == "_index_template":
                self.send_json(200, {"index_templates": [{"name": name, "index_template": t}]},
                               head_only=method == "HEAD")
            else:
                self.send_json(200, {name: t}, head_only=method == "HEAD")
            return
        if method == "DELETE":
            with st.lock:
                found = getattr(st, store_name).pop(name, None) is not None
            if found:
                self.send_json(200, {"acknowledged": True})
            else:
                self.send_json(404, es_error("resource_not_found_exception",
                                             "index_template [%s] missing" % name, 404))
            return
        if method not in ("PUT", "POST"):
            self.send_json(405, es_error("illegal_argument_exception", "Incorrect HTTP method", 405))
            return
        try:
            t = json.loads(body)
            if not isinstance(t, dict):
                raise ValueError("not an object")
        except ValueError as e:
            with st.lock:
                st.count("malformed_requests")
            self.send_json(400, es_error("parse_exception", "Failed to parse content to map: %s" % e, 400))
            return
        patterns = t.get("index_patterns")
        if not patterns:
            self.send_json(400, es_error("action_request_validation_exception",
                                         "Validation Failed: 1: index patterns are missing;", 400))
            return
        if api == "_index_template":
            unknown = set(t) - {"index_patterns", "template", "composed_of", "priority", "version",
                                "_meta", "data_stream", "allow_auto_create",
                                "ignore_missing_component_templates", "deprecated"}
        else:
            unknown = set(t) - {"index_patterns", "order", "settings", "mappings", "aliases", "version"}
        if unknown:
            k = sorted(unknown)[0]
            self.send_json(400, es_error("x_content_parse_exception",
                                         "[1:2] [index_template] unknown field [%s]" % k, 400))
            return
        with st.lock:
            getattr(st, store_name)[name] = t
            key = "%s/%s" % (api, name)
            st.stats["template_puts"][key] = st.stats["template_puts"].get(key, 0) + 1
            st.count("template_put_count")
        self.send_json(200, {"acknowledged": True})

    # -- documents --------------------------------------------------------

    def get_doc(self, index, doc_id, head):
        st = self.server.state
        with st.lock:
            d = st.indices.get(index, {}).get(doc_id)
        if d is None:
            self.send_json(404, {"_index": index, "_id": doc_id, "found": False}, head_only=head)
        else:
            self.send_json(200, {"_index": index, "_id": doc_id, "_version": d["_version"],
                                 "_seq_no": d["_seq_no"], "_primary_term": 1, "found": True,
                                 "_source": d["_source"]}, head_only=head)

    def bulk_fault_now(self):
        st = self.server.state
        f = st.faults
        status, every, dur = f.get("bulk_fault_status"), f.get("bulk_fault_every"), f.get("bulk_fault_for")
        if not status or not dur:
            return None
        elapsed = time.monotonic() - st.first_bulk
        if every:
            elapsed = elapsed % every
        return status if elapsed < dur else None

    def bulk(self, url_index, body, fp):
        st = self.server.state
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype not in ("application/json", "application/x-ndjson",
                         "application/vnd.elasticsearch+json", "application/vnd.elasticsearch+x-ndjson"):
            self.send_json(406, {"error": "Content-Type header [%s] is not supported" % ctype, "status": 406})
            return
        with st.lock:
            now = time.monotonic()
            if st.first_bulk is None:
                st.first_bulk = now
            st.count("bulk_requests")
            nreq = st.stats["bulk_requests"]
            f = st.faults
            if (f.get("outage_after") and f.get("outage_seconds") and not st.outage_done
                    and nreq > f["outage_after"]):
                st.outage_done = True
                st.outage_until = now + f["outage_seconds"]
                st.count("outage_resets")
                outage = True
            else:
                outage = False
            fault = self.bulk_fault_now()
            if fault:
                st.count("bulk_fault_responses")
        if outage:
            self.reset_connection()
            return
        if fault:
            if fault == 429:
                err = es_error("es_rejected_execution_exception",
                               "rejected execution of coordinating operation [coordinating_and_primary_bytes=0, "
                               "replica_bytes=0, all_bytes=0, coordinating_operation_bytes=%d, "
                               "max_coordinating_and_primary_bytes=107374182]" % len(body), 429)
            elif fault == 503:
                err = es_error("cluster_block_exception",
                               "blocked by: [SERVICE_UNAVAILABLE/2/no master];", 503)
            else:
                err = es_error("exception", "injected failure", fault)
            self.send_json(fault, err)
            return

        t0 = time.monotonic()
        try:
            ops = self.parse_bulk(body, url_index)
        except BulkError as e:
            with st.lock:
                st.count("malformed_requests")
            self.send_json(e.status, es_error(e.etype, e.reason, e.status))
            return
        items = []
        errors = False
        with st.lock:
            for op in ops:
                item = self.apply(op)
                status = item[op["action"]]["status"]
                if status >= 300 and not (op["action"] == "delete" and status == 404):
                    errors = True
                st.count("bulk_items")
                key = str(status)
                st.stats["items_by_status"][key] = st.stats["items_by_status"].get(key, 0) + 1
                items.append(item)
            drop = f.get("drop_fraction") and st.rng.random() < f["drop_fraction"]
            if drop:
                st.count("dropped_connections")
        resp = {"took": max(1, int((time.monotonic() - t0) * 1000)), "errors": errors, "items": items}
        if fp:
            resp = filter_value(resp, fp) or {}
        self.send_json(200, resp, drop_midway=bool(drop))

    def parse_bulk(self, body, url_index):
        if not body:
            raise BulkError(400, "action_request_validation_exception", "Validation Failed: 1: no requests added;")
        if not body.endswith(b"\n"):
            raise BulkError(400, "illegal_argument_exception",
                            "The bulk request must be terminated by a newline [\\n]")
        lines = body.split(b"\n")[:-1]
        ops = []
        i = 0
        line_no = 0
        while i < len(lines):
            raw = lines[i]
            line_no = i + 1
            i += 1
            if not raw.strip():
                continue
            try:
                meta = json.loads(raw)
            except ValueError as e:
                raise BulkError(400, "x_content_parse_exception",
                                "[%d:1] Unexpected character: %s" % (line_no, str(e).split(":")[0]))
            if not isinstance(meta, dict) or len(meta) != 1:
                raise BulkError(400, "illegal_argument_exception",
                                "Malformed action/metadata line [%d], expected START_OBJECT or END_OBJECT but found [VALUE_STRING]" % line_no)
            action, params = next(iter(meta.items()))
            if action not in ("index", "create", "update", "delete"):
                raise BulkError(400, "illegal_argument_exception",
                                "Malformed action/metadata line [%d], expected one of [create, delete, index, update] but found [%s]"
                                % (line_no, action))
            if not isinstance(params, dict):
                raise BulkError(400, "illegal_argument_exception",
                                "Malformed action/metadata line [%d], expected START_OBJECT but found [VALUE_STRING]" % line_no)
            allowed = {"_index", "_id", "routing", "pipeline", "retry_on_conflict", "require_alias",
                       "if_seq_no", "if_primary_term", "version", "version_type", "op_type",
                       "dynamic_templates", "require_data_stream", "_source"}
            if int(self.server.state.version.split(".")[0]) < 8:
                allowed.add("_type")
            for k in params:
                if k not in allowed:
                    raise BulkError(400, "illegal_argument_exception",
                                    "Action/metadata line [%d] contains an unknown parameter [%s]" % (line_no, k))
            index = params.get("_index") or url_index
            if not index:
                raise BulkError(400, "action_request_validation_exception",
                                "Validation Failed: 1: index is missing;")
            op = {"action": action, "index": index, "id": params.get("_id"), "line": line_no}
            if action == "index" and params.get("op_type") == "create":
                op["action"] = "create"
            if action != "delete":
                if i >= len(lines):
                    raise BulkError(400, "illegal_argument_exception",
                                    "The bulk request must be terminated by a newline [\\n]")
                op["source_raw"] = lines[i]
                i += 1
            if action in ("update", "delete") and not op["id"]:
                raise BulkError(400, "action_request_validation_exception",
                                "Validation Failed: 1: id is missing;")
            ops.append(op)
        if not ops:
            raise BulkError(400, "action_request_validation_exception", "Validation Failed: 1: no requests added;")
        return ops

    def apply(self, op):
        """Applies one bulk operation (state lock held); returns its item."""
        st = self.server.state
        action, index, doc_id = op["action"], op["index"], op["id"]
        base = {"_index": index}
        if doc_id is not None:
            base["_id"] = doc_id

        def fail(status, etype, reason, **extra):
            e = {"type": etype, "reason": reason}
            e.update(extra)
            r = dict(base)
            r["status"] = status
            r["error"] = e
            return {action: r}

        bad = valid_index_name(index)
        if bad:
            return fail(400, "invalid_index_name_exception", "Invalid index name [%s], %s" % (index, bad),
                        index_uuid="_na_", index=index)
        source = None
        if action != "delete":
            try:
                source = json.loads(op["source_raw"])
                if not isinstance(source, dict):
                    raise ValueError("not an object")
            except ValueError:
                return fail(400, "document_parsing_exception",
                            "[1:1] failed to parse: Unexpected character (line %d of the request)" % (op["line"] + 1))
            if action == "update":
                unknown = set(source) - {"doc", "doc_as_upsert", "upsert", "script", "scripted_upsert",
                                         "detect_noop", "_source"}
                if unknown:
                    return fail(400, "x_content_parse_exception",
                                "[1:2] [UpdateRequest] unknown field [%s]" % sorted(unknown)[0])
                doc = source.get("doc")
            else:
                doc = source
            if isinstance(doc, dict):
                for rule in st.faults.get("reject") or []:
                    field, _, value = rule.partition("=")
                    v = get_path(doc, field)
                    if v is not None and (v if isinstance(v, str) else json.dumps(v)) == value:
                        return fail(400, "document_parsing_exception",
                                    "[1:%d] failed to parse field [%s] of type [long] in document with id '%s'. "
                                    "Preview of field's value: '%s'" % (len(op["source_raw"]) // 2, field,
                                                                        doc_id or "_auto", value),
                                    caused_by={"type": "illegal_argument_exception",
                                               "reason": "For input string: \"%s\"" % value})
            frac = st.faults.get("item_429_fraction")
            if frac and st.rng.random() < frac:
                return fail(429, "es_rejected_execution_exception",
                            "rejected execution of org.elasticsearch.action.support.replication."
                            "TransportWriteAction$1/WrappedActionListener on EsThreadPoolExecutor"
                            "[name = emulator/write, queue capacity = 10000]")

        docs = st.indices.setdefault(index, {})
        if doc_id is None:
            doc_id = base64.urlsafe_b64encode(secrets.token_bytes(15)).decode()
            base["_id"] = doc_id
        cur = docs.get(doc_id)

        def ok(status, result, version):
            st.seq_no += 1
            r = dict(base)
            r.update({"_version": version, "result": result,
                      "_shards": {"total": 2, "successful": 1, "failed": 0},
                      "_seq_no": st.seq_no, "_primary_term": 1, "status": status})
            return {action: r}

        if action == "index":
            if cur is None:
                docs[doc_id] = {"_version": 1, "_seq_no": st.seq_no + 1, "_source": source}
                st.count("docs")
                return ok(201, "created", 1)
            cur["_version"] += 1
            cur["_source"] = source
            cur["_seq_no"] = st.seq_no + 1
            return ok(200, "updated", cur["_version"])
        if action == "create":
            if cur is not None:
                return fail(409, "version_conflict_engine_exception",
                            "[%s]: version conflict, document already exists (current version [%d])"
                            % (doc_id, cur["_version"]),
                            index_uuid=uuid.uuid5(uuid.NAMESPACE_DNS, index).hex[:22], shard="0", index=index)
            docs[doc_id] = {"_version": 1, "_seq_no": st.seq_no + 1, "_source": source}
            st.count("docs")
            return ok(201, "created", 1)
        if action == "update":
            doc = source.get("doc")
            if not isinstance(doc, dict):
                return fail(400, "action_request_validation_exception",
                            "Validation Failed: 1: script or doc is missing;")
            if cur is None:
                if source.get("doc_as_upsert"):
                    docs[doc_id] = {"_version": 1, "_seq_no": st.seq_no + 1, "_source": doc}
                    st.count("docs")
                    return ok(201, "created", 1)
                if isinstance(source.get("upsert"), dict):
                    docs[doc_id] = {"_version": 1, "_seq_no": st.seq_no + 1, "_source": source["upsert"]}
                    st.count("docs")
                    return ok(201, "created", 1)
                return fail(404, "document_missing_exception", "[%s]: document missing" % doc_id,
                            index_uuid=uuid.uuid5(uuid.NAMESPACE_DNS, index).hex[:22], shard="0", index=index)
            if not deep_merge(cur["_source"], doc):
                r = dict(base)
                r.update({"_version": cur["_version"], "result": "noop",
                          "_shards": {"total": 0, "successful": 0, "failed": 0},
                          "_seq_no": cur["_seq_no"], "_primary_term": 1, "status": 200})
                return {action: r}
            cur["_version"] += 1
            cur["_seq_no"] = st.seq_no + 1
            return ok(200, "updated", cur["_version"])
        # delete
        if cur is None:
            st.seq_no += 1
            r = dict(base)
            r.update({"_version": 1, "result": "not_found",
                      "_shards": {"total": 2, "successful": 1, "failed": 0},
                      "_seq_no": st.seq_no, "_primary_term": 1, "status": 404})
            return {action: r}
        del docs[doc_id]
        st.count("docs", -1)
        return ok(200, "deleted", cur["_version"] + 1)

    # -- emulator control -------------------------------------------------

    def emulator_endpoint(self, method, parts, body, query):
        st = self.server.state
        what = parts[0] if parts else ""
        if what == "docs" and method == "GET":
            with st.lock:
                lines = []
                for index in sorted(st.indices):
                    for doc_id, d in st.indices[index].items():
                        lines.append(json.dumps({"_index": index, "_id": doc_id, "_version": d["_version"],
                                                 "_source": d["_source"]}, separators=(",", ":")))
            data = ("\n".join(lines) + ("\n" if lines else "")).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        if what == "stats" and method == "GET":
            with st.lock:
                s = json.loads(json.dumps(st.stats))
                s["indices"] = {i: len(d) for i, d in sorted(st.indices.items())}
                s["index_templates"] = sorted(st.index_templates)
                s["legacy_templates"] = sorted(st.legacy_templates)
                s["faults"] = dict(st.faults)
                s["in_outage"] = st.in_outage()
            self.send_json(200, s)
            return
        if what == "faults" and method in ("POST", "PUT"):
            try:
                f = json.loads(body or b"{}")
                if not isinstance(f, dict):
                    raise ValueError("not an object")
            except ValueError as e:
                self.send_json(400, es_error("parse_exception", str(e), 400))
                return
            with st.lock:
                unknown = [k for k in f if k not in st.faults and k != "outage_for"]
                if unknown:
                    self.send_json(400, es_error("illegal_argument_exception", "unknown fault [%s]" % unknown[0], 400))
                    return
                if "outage_for" in f:
                    st.outage_until = time.monotonic() + float(f.pop("outage_for"))
                if "outage_after" in f:
                    st.outage_done = False
                st.faults.update(f)
                if st.first_bulk is None or "bulk_fault_every" in f or "bulk_fault_for" in f:
                    st.first_bulk = time.monotonic()
                faults = dict(st.faults)
            self.send_json(200, {"acknowledged": True, "faults": faults})
            return
        if what == "reset" and method == "POST":
            with st.lock:
                st.reset()
            self.send_json(200, {"acknowledged": True})
            return
        self.send_json(404, es_error("resource_not_found_exception", "no emulator endpoint [%s]" % self.path, 404))


class BulkError(Exception):
    def __init__(self, status, etype, reason):
        super().__init__(reason)
        self.status, self.etype, self.reason = status, etype, reason


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def verify_request(self, request, client_address):
        st = self.state
        if st.in_outage():
            with st.lock:
                st.count("outage_resets")
            try:
                request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
            return False
        return True


def main():
    p = argparse.ArgumentParser(description="Elasticsearch 8.x emulator for tests")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--es-version", default="8.13.4")
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--api-key", action="append", help="ID:KEY (repeatable)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--item-429-fraction", type=float, default=0.0)
    p.add_argument("--bulk-fault-status", type=int, default=0)
    p.add_argument("--bulk-fault-every", type=float, default=0.0)
    p.add_argument("--bulk-fault-for", type=float, default=0.0)
    p.add_argument("--drop-fraction", type=float, default=0.0)
    p.add_argument("--outage-after", type=int, default=0)
    p.add_argument("--outage-seconds", type=float, default=0.0)
    p.add_argument("--reject", action="append", help="FIELD=VALUE (repeatable)")
    p.add_argument("--tls-cert", help="serve HTTPS with this PEM certificate ...")
    p.add_argument("--tls-key", help="... and this PEM key")
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args()
    if args.host != "127.0.0.1" and not args.host.startswith("127."):
        p.error("the emulator binds loopback addresses only")
    server = Server((args.host, args.port), Handler)
    server.state = State(args)
    if args.tls_cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
