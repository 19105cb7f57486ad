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
# Ctrl-C reaches logpipe too (the terminal signals the whole process
# group); a TERM sent to this script is passed on by stop_logpipe.
interrupted=""
trap 'interrupted=INT' INT
trap 'interrupted=TERM' TERM

# stop_logpipe SECONDS [signalled]: SIGTERM (drain; not when logpipe was
# already signalled), then a second SIGTERM (forced exit) when the drain takes
# longer than SECONDS (an unreachable ES_URL or ALERTMANAGER_URL is retried,
# never dropped). Returns logpipe's status.
stop_logpipe() {
  [ -n "${2:-}" ] || kill -TERM "$pid" 2>/dev/null || true
  local end=$((SECONDS + $1))
  while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $end ]; do sleep 0.2 || true; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "logpipe is still draining after $1 s; forcing it to exit" >&2
    kill -TERM "$pid" 2>/dev/null || true
  fi
  local rc=0
  wait "$pid" || rc=$?
  return $rc
}

written() { cat "$LOGPIPE_OUT"/kakaopay-logs-*.ndjson 2>/dev/null | grep -c . || true; }
deadline=$((SECONDS + ${RUN_TIMEOUT:-120}))
while :; do
  # (a Ctrl-C may kill the commands of this loop: they must not end the script)
  n=$(written) || n=0
  [ "${n:-0}" -lt "$expected" ] || break
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid" || true
    echo "logpipe exited before writing every event ($(written) of $expected)" >&2
    exit 1
  fi
  if [ -n "$interrupted" ]; then
    echo "interrupted: $(written) of $expected events written" >&2
    if [ "$interrupted" = INT ]; then stop_logpipe 10 signalled || true; else stop_logpipe 10 || true; fi
    exit 130
  fi
  if [ $SECONDS -ge $deadline ]; then
    echo "timed out: $(written) of $expected events written (is ES_URL or ALERTMANAGER_URL unreachable?)" >&2
    stop_logpipe 5 || true
    exit 1
  fi
  sleep 0.2 || true
done
stop_logpipe "${DRAIN_TIMEOUT:-60}"
python3 "$DIR/summary.py" "$LOGPIPE_OUT"
