#!/usr/bin/env python3
"""Checks what a system indexed against what the payment pipeline must do.

usage: verify.py WORKLOAD.jsonl BULK_DUMP.ndjson

WORKLOAD is the file sent (bench/payment_gen.py output); BULK_DUMP is what
bench/es_sink.c --dump wrote (the bulk bodies: action line, document line).
For every input event (identified by its unique log.offset) the expectation is
computed from the pipeline's rules: payment events whose message is JSON get
its fields at the root, @timestamp from its "timestamp" (any offset, to UTC),
userId masked by (.{3}).*(.{3}) -> \\1***\\2, performance_tier from
context.duration_ms (> 1000 SLOW, > 500 MEDIUM, else FAST), error_category for
level ERROR (BUSINESS_ERROR with context.error_code, else SYSTEM_ERROR); every
event goes to kakaopay-logs-YYYY.MM.dd of its @timestamp's UTC day. Checks
that each event was indexed exactly once with those values. Prints one JSON
summary line; exit 0 when everything matches, 1 otherwise."""
import datetime as dt
import json
import re
import sys

MASK = re.compile(r"(.{3}).*(.{3})")


def parse_ts(s):
    """An ISO 8601 timestamp with an offset or Z -> aware datetime (ms kept)."""
    s = str(s).strip()
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    # Python before 3.11 wants exactly 3 or 6 fraction digits.
    m = re.match(r"^(.*?T\d\d:\d\d:\d\d)(?:[.,](\d+))?(.*)$", s)
    if m:
        frac = (m.group(2) or "")[:6].ljust(6, "0") if m.group(2) else ""
        s = m.group(1) + ("." + frac if frac else "") + m.group(3)
    t = dt.datetime.fromisoformat(s)
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return t.astimezone(dt.timezone.utc)


def ms(t):
    return t.replace(microsecond=t.microsecond // 1000 * 1000)


def expect(env):
    e = {"ts": parse_ts(env["@timestamp"]), "userId": None, "tier": None, "category": None, "txn": None}
    if env.get("fields", {}).get("service") == "payment":
        try:
            inner = json.loads(env["message"])
        except ValueError:
            inner = None
        if isinstance(inner, dict):
            e["ts"] = parse_ts(inner["timestamp"])
            e["userId"] = MASK.sub(lambda m: m.group(1) + "***" + m.group(2), inner["userId"])
            e["txn"] = inner["transactionId"]
            ctx = inner.get("context") or {}
            d = ctx.get("duration_ms")
            if d:
                e["tier"] = "SLOW" if d > 1000 else "MEDIUM" if d > 500 else "FAST"
            if inner.get("level") == "ERROR":
                e["category"] = "BUSINESS_ERROR" if ctx.get("error_code") else "SYSTEM_ERROR"
    e["index"] = "kakaopay-logs-" + e["ts"].strftime("%Y.%m.%d")
    return e


def get(doc, *path):
    """doc[a][b]..., also accepting a flattened "a.b" key."""
    cur = doc
    for i, k in enumerate(path):
        if isinstance(cur, dict) and k in cur:
            cur = cur[k]
        elif isinstance(cur, dict) and ".".join(path[i:]) in cur:
            return cur[".".join(path[i:])]
        else:
            return None
    return cur


def main():
    workload, dump = sys.argv[1], sys.argv[2]
    want = {}
    with open(workload, "rb") as f:
        for line in f:
            env = json.loads(line)
            want[int(env["log"]["offset"])] = expect(env)
    seen = {}
    errors = {}
    examples = []
    indices = {}
    docs = 0

    def fail(kind, off, detail):
        errors[kind] = errors.get(kind, 0) + 1
        if len(examples) < 8:
            examples.append("%s (log.offset %s): %s" % (kind, off, detail))

    with open(dump, "rb") as f:
        action = None
        for line in f:
            if not line.strip():
                continue
            if action is None:
                action = json.loads(line)
                continue
            act, action = action, None
            docs += 1
            meta = next(iter(act.values()))
            index = meta.get("_index")
            indices[index] = indices.get(index, 0) + 1
            try:
                doc = json.loads(line)
                off = int(get(doc, "log", "offset"))
            except (ValueError, TypeError) as ex:
                fail("unreadable document", "?", str(ex)[:80])
                continue
            if off not in want:
                fail("unknown event", off, "not in the workload")
                continue
            seen[off] = seen.get(off, 0) + 1
            if seen[off] == 2:
                fail("indexed twice", off, "")
            w = want[off]
            if index != w["index"]:
                fail("wrong index", off, "%s, want %s" % (index, w["index"]))
            try:
                ts = ms(parse_ts(doc.get("@timestamp")))
            except (ValueError, TypeError):
                ts = None
            if ts != ms(w["ts"]):
                fail("wrong @timestamp", off, "%s, want %s" % (doc.get("@timestamp"), ms(w["ts"]).isoformat()))
            if w["txn"] is not None and get(doc, "transactionId") != w["txn"]:
                fail("inner JSON not at the root", off, "transactionId %r" % get(doc, "transactionId"))
            if get(doc, "userId") != w["userId"]:
                fail("userId not masked", off, "%r, want %r" % (get(doc, "userId"), w["userId"]))
            if get(doc, "performance_tier") != w["tier"]:
                fail("wrong performance_tier", off, "%r, want %r" % (get(doc, "performance_tier"), w["tier"]))
            if get(doc, "error_category") != w["category"]:
                fail("wrong error_category", off, "%r, want %r" % (get(doc, "error_category"), w["category"]))
    missing = len(want) - len(seen)
    if missing:
        errors["missing"] = missing
    ok = not errors
    print(json.dumps({"ok": ok, "events": len(want), "documents": docs, "indices": indices,
                      "errors": errors, "examples": examples}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
