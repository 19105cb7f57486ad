#!/usr/bin/env bash
# Runs the payment pipeline over the bundled sample logs and prints a summary.
#
#   examples/payment/run.sh [path/to/logpipe]
#
# logpipe listens on Beats 5044 and TCP 5000 (BEATS_PORT / TCP_PORT change
# them) while the sample logs arrive on stdin; once every sample event has
# been written, it is stopped with SIGTERM, drains, and exits 0.
# With ES_URL=http://host:9200 the events also go to Elasticsearch, and with
# ALERTMANAGER_URL=http://host:9093 the SYSTEM_ERROR alerts go to
# Alertmanager (see docs/alertmanager.md).
set -euo pipefail

BIN=${1:-build/logpipe}
DIR=$(cd "$(dirname "$0")" && pwd)
export LOGPIPE_OUT=${LOGPIPE_OUT:-data}
export LOGPIPE_EXAMPLE_DIR=$DIR
SAMPLE=${SAMPLE:-$DIR/sample-logs.jsonl}
mkdir -p "$LOGPIPE_OUT"
rm -f "$LOGPIPE_OUT"/kakaopay-logs-*.ndjson "$LOGPIPE_OUT"/alerts.ndjson

conf=(-f "$DIR/pipeline.conf")
if [ -n "${ES_URL:-}" ]; then conf+=(-f "$DIR/elasticsearch.conf"); fi
if [ -n "${ALERTMANAGER_URL:-}" ]; then conf+=(-f "$DIR/alertmanager.conf"); fi

expected=$(grep -c . "$SAMPLE")
echo "logpipe: running the payment pipeline over $expected sample events ($SAMPLE)"
"$BIN" "${conf[@]}" --log.level "${LOG_LEVEL:-warn}" --api.enabled false < "$SAMPLE" &
pid=$!

written() { cat "$LOGPIPE_OUT"/kakaopay-logs-*.ndjson 2>/dev/null | grep -c . || true; }
deadline=$((SECONDS + ${RUN_TIMEOUT:-120}))
while [ "$(written)" -lt "$expected" ]; do
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid" || true
    echo "logpipe exited before writing every event ($(written) of $expected)" >&2
    exit 1
  fi
  if [ $SECONDS -ge $deadline ]; then
    kill -TERM "$pid" 2>/dev/null || true
    echo "timed out: $(written) of $expected events written" >&2
    exit 1
  fi
  sleep 0.2
done
kill -TERM "$pid"
wait "$pid"
python3 "$DIR/summary.py" "$LOGPIPE_OUT"
