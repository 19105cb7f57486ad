#!/usr/bin/env python3
"""Prints the outcome of every meson test run in the given build directories
and a closing 'N passed, N failed' line; exits non-zero when anything failed
or when no test ran at all."""
import json
import os
import sys

passed = failed = skipped = 0
for build in sys.argv[1:]:
    log = os.path.join(build, "meson-logs", "testlog.json")
    if not os.path.exists(log):
        print(f"{build}: no test log (the build or the test run did not happen)")
        failed += 1
        continue
    with open(log) as f:
        for line in f:
            t = json.loads(line)
            result = t.get("result")
            name = f"{build}: {t.get('name')}"
            if result == "OK" or result == "EXPECTEDFAIL":
                passed += 1
            elif result == "SKIP":
                skipped += 1
                print(f"SKIP {name}")
            else:
                failed += 1
                print(f"FAIL {name} ({result})")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)
