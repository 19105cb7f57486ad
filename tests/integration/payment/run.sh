#!/bin/sh
# The payment example end to end (examples/payment): Beats in, the
# Elasticsearch emulator, a real Prometheus Alertmanager and the daily files
# out. Needs python3, node and prometheus-alertmanager (Debian packages
# python3, nodejs, prometheus-alertmanager). Prints "N passed, N failed".
# Usage: run.sh LOGPIPE_BINARY
exec python3 "$(dirname "$0")/test_payment.py" "$@"
