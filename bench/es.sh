#!/usr/bin/env bash
# Payment pipeline -> elasticsearch output -> a fast local _bulk sink
# (bench/es_sink.c, answers like Elasticsearch 8). Reports, for gzip on
# (compression_level 1, the default) and off (0): events/s, events per
# CPU-second of the logpipe process, and its peak RSS.
#
#   bench/es.sh [BUILD_DIR] [EVENTS] [WORKERS]
#   ES_BENCH_FILTERS=0 bench/es.sh ...   the output alone (no filter block)
#
# Defaults: build 500000 (cores). The events are Filebeat-shaped payment logs
# from bench/payment_gen.py, read from a file on stdin (json_lines); the
# filters are the payment example's (examples/payment/pipeline.conf, its
# filter block, unchanged). Wall time is the whole process (start-up and
# drain included); CPU and peak RSS come from getrusage of the child. Needs: cc,
# zlib headers, python3 (Debian: gcc zlib1g-dev python3).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
N=${2:-500000}
WORKERS=${3:-$(nproc)}
LOGPIPE=$BUILD/logpipe
[ -x "$LOGPIPE" ] || { echo "build first: $LOGPIPE"; exit 1; }

T=$(mktemp -d /tmp/logpipe-bench-es.XXXXXX)
SINK_PID=""
cleanup() {
	[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT

cc -O2 -o "$T/es_sink" bench/es_sink.c -lz -pthread
python3 bench/payment_gen.py "$N" > "$T/events.jsonl"
if [ "${ES_BENCH_FILTERS:-1}" = 0 ]; then
	: > "$T/filter.conf"
else
	awk '/^filter \{/,/^\}/' examples/payment/pipeline.conf > "$T/filter.conf"
	[ -s "$T/filter.conf" ] || { echo "no filter block in examples/payment/pipeline.conf"; exit 1; }
fi

"$T/es_sink" 0 > "$T/port" &
SINK_PID=$!
deadline=$((SECONDS + 10))
until [ -s "$T/port" ]; do
	[ $SECONDS -lt $deadline ] || { echo "es_sink did not start"; exit 1; }
	read -r -t 0.05 <> <(:) || true
done
PORT=$(cat "$T/port")

bytes=$(wc -c < "$T/events.jsonl")
echo "events: $N ($((bytes / N)) B/event mean), workers: $WORKERS, batch 125, filters: $([ -s "$T/filter.conf" ] && echo payment || echo none)"
printf '%-10s %12s %16s %10s %10s %12s\n' gzip events/s events/CPU-s "CPU s" "RSS MiB" "wire MiB"
for level in 1 0; do
	{
		echo 'input { stdin { codec => json_lines } }'
		cat "$T/filter.conf"
		cat <<CONF
output {
  elasticsearch {
    hosts => [ "http://127.0.0.1:$PORT" ]
    index => "kakaopay-logs-%{+YYYY.MM.dd}"
    manage_template => false
    compression_level => $level
  }
}
CONF
	} > "$T/es-$level.conf"
	before=$(curl -s "http://127.0.0.1:$PORT/_sink/stats")
	python3 - "$LOGPIPE" "$T/es-$level.conf" "$T/events.jsonl" "$WORKERS" "$N" "$level" "$before" "$PORT" <<'PY'
import json, os, resource, sys, time, urllib.request
logpipe, conf, events, workers, n, level, before, port = sys.argv[1:9]
n = int(n)
before = json.loads(before)
t0 = time.monotonic()
# posix_spawn (not fork) so that the child's peak RSS is its own, not this
# interpreter's.
pid = os.posix_spawn(logpipe, [logpipe, "-f", conf, "-w", workers, "--api.enabled", "false", "--log.level", "warn"],
                     os.environ, file_actions=[(os.POSIX_SPAWN_OPEN, 0, events, os.O_RDONLY, 0),
                                               (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0)])
_, status = os.waitpid(pid, 0)
rc = os.waitstatus_to_exitcode(status)
wall = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = ru.ru_utime + ru.ru_stime
after = json.loads(urllib.request.urlopen("http://127.0.0.1:%s/_sink/stats" % port).read())
docs = after["docs"] - before["docs"]
wire = (after["wire_bytes"] - before["wire_bytes"]) / 1048576
ok = "" if rc == 0 and docs == n else "  (exit %d, %d documents received)" % (rc, docs)
print("%-10s %12.0f %16.0f %10.2f %10.1f %12.1f%s" % ("on (1)" if level == "1" else "off", n / wall, n / cpu,
      cpu, ru.ru_maxrss / 1024, wire, ok))
PY
done
