#!/usr/bin/env python3
"""Prints the payment benchmark's table (Markdown) from measure.py's result
lines: per system the median over its passes, the ratios to logpipe, and
whether every pass was verified.

usage: summary.py RESULTS.jsonl EVENTS NPROC CPU_MODEL LOGPIPE_VER RSYSLOG_VER SYSLOG_NG_VER"""
import json
import statistics
import sys


def med(rows, key):
    vals = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def main():
    path, events, nproc, cpu, v_lp, v_rs, v_sng = sys.argv[1:8]
    by = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                by.setdefault(r["system"], []).append(r)
    versions = {"rsyslog": v_rs, "syslog-ng": v_sng}
    print("Machine: %s cores, %s. Workload: %s events, %.0f B/event mean. Versions: %s, rsyslog %s, syslog-ng %s."
          % (nproc, cpu, events, next(iter(by.values()))[0]["bytes"] / int(events), v_lp, v_rs, v_sng))
    print()
    print("| system | verified | passes | events/s | MiB/s | CPU-s per M events | events per CPU-s "
          "| peak RSS MiB | start-up ms | logpipe's events per CPU-s ÷ this | this peak RSS ÷ logpipe's |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    base = by.get("logpipe", [])
    b_epc, b_rss = med(base, "events_per_cpu_s"), med(base, "rss_peak_kib")
    for name, rows in by.items():
        ok = all(r["verified"] for r in rows)
        epc, rss = med(rows, "events_per_cpu_s"), med(rows, "rss_peak_kib")
        ratio = "%.2f" % (b_epc / epc) if b_epc and epc else "-"
        rss_ratio = "%.2f" % (rss / b_rss) if b_rss and rss else "-"
        fmt = lambda v, spec: (spec % v) if v is not None else "-"
        print("| %s%s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            name, (" " + versions[name]) if name in versions else "",
            "yes" if ok else "**NO**", len(rows),
            fmt(med(rows, "events_per_s"), "%.0f"), fmt(med(rows, "mib_per_s"), "%.1f"),
            fmt(med(rows, "cpu_s_per_million"), "%.1f"), fmt(epc, "%.0f"),
            fmt(rss / 1024 if rss else None, "%.1f"), fmt(med(rows, "startup_ms"), "%.0f"), ratio, rss_ratio))
    bad = [r for rows in by.values() for r in rows if not r["verified"]]
    for r in bad:
        print("\nFAILED: %s: %s %s %s" % (r["system"], r.get("error", ""), r["verify"].get("errors"),
                                          r["verify"].get("examples", [])[:3]))
    sink = max((r.get("sink_cpu_s") or 0) / max(r.get("wall_s") or 1, 1e-9) for rows in by.values() for r in rows)
    print("\nThe sink's busiest pass used %.0f%% of one core." % (sink * 100))


if __name__ == "__main__":
    main()
