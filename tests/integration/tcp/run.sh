#!/bin/sh
# tcp input integration tests (Node standard library and openssl only)
# against the logpipe binary ($1 or $LOGPIPE_BIN). Prints "N passed, N
# failed"; exits non-zero on failure.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-${LOGPIPE_BIN:-}}
if [ -z "$bin" ]; then
	echo "usage: run.sh LOGPIPE_BIN" >&2
	exit 2
fi
if ! command -v node >/dev/null 2>&1 || ! command -v openssl >/dev/null 2>&1; then
	echo "node and openssl are required (Debian packages nodejs, openssl)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec node "$here/run.js" "$bin"
