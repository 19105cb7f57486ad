#!/bin/sh
# The http output against a recording server on 127.0.0.1 (Python 3 stdlib).
# Usage: run.sh LOGPIPE_BINARY
exec python3 "$(dirname "$0")/test_http.py" "$@"
