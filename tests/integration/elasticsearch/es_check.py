#!/usr/bin/env python3
"""Helpers of the Elasticsearch integration test (standard library only).

  es_check.py gen --count N --poison-every K
      writes N JSON lines to stdout: unique "uid", an "@timestamp" with a zone
      offset (so the UTC day differs from the local one near midnight), and
      every K-th event a "kind":"poison" that the emulator rejects with 400.

  es_check.py check --events FILE --es URL --dlq DIR --template NAME [--expect ...]
      reads every document back from the emulator and the dead-letter queue
      and checks: every good event present at least once, no poison event
      indexed, every poison event in the DLQ with its reason, each document in
      the index of its @timestamp's UTC day, the template installed once, and
      that the requested faults really happened. Prints a summary; exits 1 on
      any failure.
"""

import argparse
import collections
import datetime
import glob
import json
import os
import sys
import urllib.request

ZONES = ["Z", "+09:00", "-05:00", "+05:30", "-11:00"]


def gen(args):
    base = datetime.datetime(2024, 2, 27, 18, 0, 0, tzinfo=datetime.timezone.utc)
    out = sys.stdout
    for i in range(args.count):
        # Spread over four days, many events close to midnight UTC.
        t = base + datetime.timedelta(seconds=(i * 3.37) % (4 * 86400), milliseconds=i % 1000)
        zone = ZONES[i % len(ZONES)]
        if zone == "Z":
            local, text = t, t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)
        else:
            sign = 1 if zone[0] == "+" else -1
            off = datetime.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])) * sign
            local = t + off
            text = local.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d" % (t.microsecond // 1000) + zone
        ev = {"uid": "u%07d" % i, "@timestamp": text, "message": "payment event %d \"quoted\" \\ caf\u00e9" % i,
              "level": ["INFO", "WARN", "ERROR"][i % 3], "context": {"duration_ms": i % 1500, "amount": i * 10}}
        if args.poison_every and i % args.poison_every == args.poison_every - 1:
            ev["kind"] = "poison"
        out.write(json.dumps(ev, ensure_ascii=False) + "\n")


def utc_day(ts):
    d = datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))
    return d.astimezone(datetime.timezone.utc).strftime("%Y.%m.%d")


def fetch(url):
    ctx = None
    if url.startswith("https:"):
        import ssl
        ctx = ssl._create_unverified_context()  # the test's own self-signed peer
    with urllib.request.urlopen(url, timeout=60, context=ctx) as r:
        return r.read()


def check(args):
    failures = []

    def fail(msg):
        failures.append(msg)

    expected = {}
    poison = set()
    with open(args.events, encoding="utf-8") as f:
        for line in f:
            ev = json.loads(line)
            expected[ev["uid"]] = ev
            if ev.get("kind") == "poison":
                poison.add(ev["uid"])

    docs = [json.loads(l) for l in fetch(args.es + "/_emulator/docs").splitlines() if l.strip()]
    stats = json.loads(fetch(args.es + "/_emulator/stats"))

    seen = collections.Counter()
    bad_index = 0
    for d in docs:
        src = d["_source"]
        uid = src.get("uid")
        seen[uid] += 1
        if uid not in expected:
            fail("unexpected document %r" % (d,))
            continue
        want = "%s-%s" % (args.index_prefix, utc_day(expected[uid]["@timestamp"]))
        if d["_index"] != want or d["_index"] != "%s-%s" % (args.index_prefix, utc_day(src["@timestamp"])):
            bad_index += 1
            if bad_index <= 3:
                fail("document %s in index %s, expected %s" % (uid, d["_index"], want))
        if src.get("message") != expected[uid]["message"]:
            fail("document %s message changed: %r" % (uid, src.get("message")))
    missing = [u for u in expected if u not in poison and seen[u] == 0]
    if missing:
        fail("%d events missing, e.g. %s" % (len(missing), missing[:5]))
    indexed_poison = [u for u in poison if seen[u]]
    if indexed_poison:
        fail("%d poison events were indexed" % len(indexed_poison))
    dups = sum(c - 1 for c in seen.values() if c > 1)
    dup_events = sum(1 for c in seen.values() if c > 1)

    # The dead-letter queue.
    dlq = collections.Counter()
    dlq_bad = 0
    for seg in sorted(glob.glob(os.path.join(args.dlq, "*.log"))):
        with open(seg, encoding="utf-8") as f:
            for line in f:
                if not line.endswith("\n"):
                    fail("torn line in %s" % seg)
                    continue
                e = json.loads(line)
                uid = e["event"].get("uid")
                dlq[uid] += 1
                ok = (e.get("plugin_type") == "elasticsearch" and e.get("plugin_id") == args.plugin_id
                      and "status 400: document_parsing_exception" in e.get("reason", "")
                      and e.get("time") and uid in poison
                      and e["event"].get("@timestamp") and e["event"].get("message") == expected.get(uid, {}).get("message"))
                if not ok:
                    dlq_bad += 1
                    if dlq_bad <= 3:
                        fail("unexpected DLQ entry: %s" % line[:300])
    not_in_dlq = [u for u in poison if dlq[u] == 0]
    if not_in_dlq:
        fail("%d poison events are not in the dead-letter queue, e.g. %s" % (len(not_in_dlq), not_in_dlq[:5]))

    if args.max_duplicates is not None and dups > args.max_duplicates:
        fail("%d duplicates, at most %d expected" % (dups, args.max_duplicates))

    puts = stats.get("template_puts", {})
    if puts != {args.template: 1}:
        fail("template PUTs %r, expected exactly one %s" % (puts, args.template))

    for e in args.expect or []:
        key, _, minimum = e.partition(">=")
        parts = key.split(".")
        v = stats
        for p in parts:
            v = v.get(p, 0) if isinstance(v, dict) else 0
        if v < int(minimum or 1):
            fail("fault %s happened %s times, expected at least %s" % (key, v, minimum or 1))

    summary = {
        "scenario": args.name, "events": len(expected), "documents": len(docs),
        "distinct_indexed": sum(1 for u in seen if seen[u]), "duplicates": dups,
        "events_duplicated": dup_events, "poison": len(poison), "dlq_entries": sum(dlq.values()),
        "bulk_requests": stats.get("bulk_requests"), "items_by_status": stats.get("items_by_status"),
        "bulk_fault_responses": stats.get("bulk_fault_responses"),
        "dropped_connections": stats.get("dropped_connections"), "outage_resets": stats.get("outage_resets"),
        "gzip_requests": stats.get("gzip_requests"), "auth_failures": stats.get("auth_failures"),
        "indices": stats.get("indices"),
    }
    print(json.dumps(summary, sort_keys=True))
    for m in failures:
        print("FAIL [%s]: %s" % (args.name, m))
    return 1 if failures else 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("--count", type=int, default=100000)
    g.add_argument("--poison-every", type=int, default=0)
    c = sub.add_parser("check")
    c.add_argument("--name", default="")
    c.add_argument("--events", required=True)
    c.add_argument("--es", required=True)
    c.add_argument("--dlq", required=True)
    c.add_argument("--template", required=True)
    c.add_argument("--plugin-id", default="es_test")
    c.add_argument("--index-prefix", default="logs")
    c.add_argument("--max-duplicates", type=int)
    c.add_argument("--expect", action="append", help="STAT[>=N]: a fault counter that must be reached")
    args = p.parse_args()
    if args.cmd == "gen":
        gen(args)
        return 0
    return check(args)


if __name__ == "__main__":
    sys.exit(main())
