#!/bin/sh
# Beats input integration tests: installs the npm client (lumberjack-client)
# when missing, then runs run.js against the logpipe binary ($1 or
# $LOGPIPE_BIN). Prints "N passed, N failed"; exits non-zero on failure.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-${LOGPIPE_BIN:-}}
if [ -z "$bin" ]; then
	echo "usage: run.sh LOGPIPE_BIN" >&2
	exit 2
fi
if ! command -v node >/dev/null 2>&1 || ! command -v openssl >/dev/null 2>&1; then
	echo "node and openssl are required (Debian packages nodejs, npm, openssl)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
if [ ! -f "$here/node_modules/lumberjack-client/index.js" ]; then
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
# 1,000 client sockets and as many server sockets
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec node "$here/run.js" "$bin"
