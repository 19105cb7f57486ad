#!/usr/bin/env python3
"""Counts the Kafka test messages ("m-<n>") in logpipe's json_lines outputs.

    count.py [--expect N] [--first F] FILE...

Prints one line "lines=<total> unique=<distinct> dups=<total-distinct>
missing=<count> partitions=<sorted,list>" for the messages m-F..m-(F+N-1)
found in the files (every file's lines count). Lines that are not JSON are an
error (a torn line would hide a lost event). Exit status 0."""
import json
import sys


def main():
    args = sys.argv[1:]
    expect, first = None, 1
    while args and args[0].startswith("--"):
        if args[0] == "--expect":
            expect = int(args[1])
        elif args[0] == "--first":
            first = int(args[1])
        args = args[2:]
    total, seen, parts, bad = 0, {}, set(), 0
    for path in args:
        try:
            f = open(path, encoding="utf-8")
        except FileNotFoundError:
            continue
        with f:
            for line in f:
                if not line.endswith("\n"):
                    continue  # being written right now
                line = line.strip()
                if not line:
                    continue
                try:
                    ev = json.loads(line)
                except ValueError:
                    bad += 1
                    continue
                msg = ev.get("message", "")
                if not isinstance(msg, str) or not msg.startswith("m-"):
                    continue
                n = int(msg[2:])
                if expect is not None and not first <= n < first + expect:
                    continue
                total += 1
                seen[n] = seen.get(n, 0) + 1
                if "kpart" in ev:
                    parts.add(str(ev["kpart"]))
    missing = (expect - len(seen)) if expect is not None else 0
    print("lines=%d unique=%d dups=%d missing=%d bad=%d partitions=%s" % (
        total, len(seen), total - len(seen), missing, bad, ",".join(sorted(parts)) or "-"))


if __name__ == "__main__":
    main()
