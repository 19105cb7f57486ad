#!/bin/sh
# The payment example end to end (examples/payment): Beats in, the
# Elasticsearch emulator, a real Prometheus Alertmanager and the daily files
# out. Needs python3, node and prometheus-alertmanager (Debian packages
# python3, nodejs, prometheus-alertmanager). Prints "N passed, N failed".
# Usage: run.sh LOGPIPE_BINARY
for tool in python3 node; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "$tool is required (Debian packages python3, nodejs, prometheus-alertmanager)" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
done
exec python3 "$(dirname "$0")/test_payment.py" "$@"
