#!/bin/sh
# The alertmanager output against a real Prometheus Alertmanager (Debian
# package prometheus-alertmanager) started on 127.0.0.1 by the test.
# Usage: run.sh LOGPIPE_BINARY
exec python3 "$(dirname "$0")/test_alertmanager.py" "$@"
