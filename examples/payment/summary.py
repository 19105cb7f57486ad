#!/usr/bin/env python3
"""Summarises what the payment pipeline wrote: events per daily index, per
performance tier, per error category, and the alerts."""
import collections
import glob
import json
import os
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "data"
per_index = collections.Counter()
tiers = collections.Counter()
categories = collections.Counter()
services = collections.Counter()
masked = unmasked = parse_failures = 0
for path in sorted(glob.glob(os.path.join(out, "kakaopay-logs-*.ndjson"))):
    index = os.path.basename(path)[: -len(".ndjson")]
    with open(path) as f:
        for line in f:
            ev = json.loads(line)
            per_index[index] += 1
            services[ev.get("fields", {}).get("service", "?")] += 1
            if "_jsonparsefailure" in ev.get("tags", []):
                parse_failures += 1
            if "performance_tier" in ev:
                tiers[ev["performance_tier"]] += 1
            if "error_category" in ev:
                categories[ev["error_category"]] += 1
            uid = ev.get("userId")
            if isinstance(uid, str) and ev.get("fields", {}).get("service") == "payment":
                if "***" in uid:
                    masked += 1
                else:
                    unmasked += 1
alerts = 0
alerts_path = os.path.join(out, "alerts.ndjson")
if os.path.exists(alerts_path):
    with open(alerts_path) as f:
        alerts = sum(1 for line in f if line.strip())

def show(title, counter):
    print(title)
    for k in sorted(counter):
        print(f"  {k:<32} {counter[k]:>7}")

print()
show("Events per daily index (UTC):", per_index)
show("Events per service:", services)
show("Performance tiers (payment events with a duration):", tiers)
show("Error categories (payment ERROR events):", categories)
print(f"Masked userIds: {masked} masked, {unmasked} not masked")
print(f"Lines that were not JSON (tagged _jsonparsefailure): {parse_failures}")
print(f"SYSTEM_ERROR alerts: {alerts} (in {alerts_path})")
