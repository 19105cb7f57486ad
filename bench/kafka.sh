#!/usr/bin/env bash
# Kafka -> payment filters -> null: events/s and events per CPU-second of the
# logpipe process, against librdkafka's mock cluster (3 brokers, real Kafka
# protocol on loopback), Filebeat-shaped payment events produced with kcat.
#
#   bench/kafka.sh [BUILD_DIR] [EVENTS] [PARTITIONS] [CONSUMER_THREADS] [MODE]
#
# MODE payment (default): the payment events and filters described here;
# MODE plain: short messages ("m-<n>"), codec plain, no filters: the input's
# own cost per event.
#
# Defaults: build 300000 64 1 payment. The consumer uses fetch_max_wait_ms => 10
# (see the config below). librdkafka's mock keeps at most 5 MiB per
# partition (older messages are dropped), so keep EVENTS x ~900 bytes below
# PARTITIONS x 5 MiB; messages are keyed by their number so that they spread
# evenly. The filters are the payment example's
# (examples/payment/pipeline.conf, its filter block, unchanged). The clock
# runs from the first delivered event to the last (group join excluded); CPU
# is the logpipe process's user+system time over the same span, read from
# /proc. For the ratio, the same events then go through the same filters from
# stdin (codec json_lines) to null, timed whole. Needs: kcat, curl, python3 (Debian: kcat curl python3).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
N=${2:-300000}
PARTS=${3:-64}
THREADS=${4:-1}
MODE=${5:-payment}
case "$MODE" in
payment) CODEC=json STDIN_CODEC=json_lines ;;
plain) CODEC=plain STDIN_CODEC=line ;;
*) echo "MODE is payment or plain"; exit 1 ;;
esac
LOGPIPE=$BUILD/logpipe
MOCK=$BUILD/tests/integration/kafka/kafka_mock_cluster
[ -x "$LOGPIPE" ] && [ -x "$MOCK" ] || { echo "build first: $LOGPIPE, $MOCK"; exit 1; }
for c in kcat curl python3; do command -v $c >/dev/null || { echo "needs $c"; exit 1; }; done

T=$(mktemp -d /tmp/logpipe-bench-kafka.XXXXXX)
declare -a PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	exec 3>&- 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT

wait_until() {
	local limit=$1 start=$SECONDS
	shift
	until "$@"; do
		[ $((SECONDS - start)) -lt "$limit" ] || return 1
		sleep 0.02
	done
}

mkfifo "$T/ctl"
"$MOCK" "bench:$PARTS" <"$T/ctl" >"$T/mock.out" 2>"$T/mock.err" &
PIDS+=($!)
exec 3>"$T/ctl"
wait_until 30 test -s "$T/mock.out" || { echo "mock cluster did not start"; exit 1; }
BS=$(head -n 1 "$T/mock.out")

echo "producing $N $MODE events into $PARTS partitions..."
if [ "$MODE" = payment ]; then
	python3 bench/payment_gen.py "$N" >"$T/events.jsonl"
else
	seq -f 'm-%.0f' 1 "$N" >"$T/events.jsonl"
fi
awk '{ printf "%d\t%s\n", NR, $0 }' "$T/events.jsonl" |
	kcat -P -b "$BS" -t bench -K '\t' -X queue.buffering.max.ms=50 -X batch.num.messages=10000
stored=$(kcat -C -b "$BS" -t bench -e -q -o beginning -f 'x\n' | wc -l)
[ "$stored" = "$N" ] || { echo "the mock kept $stored of $N events: use more partitions"; exit 1; }

# The payment example's filter block, as is (none in plain mode).
filters() {
	[ "$MODE" = payment ] || return 0
	awk '/^filter \{/{f=1} f{print} f&&/^\}/{exit}' examples/payment/pipeline.conf
}

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
{
	cat <<EOF
input {
  kafka {
    bootstrap_servers => "$BS"
    topics => ["bench"]
    group_id => "bench"
    auto_offset_reset => "earliest"
    consumer_threads => $THREADS
    codec => $CODEC
    # The mock answers a fetch with one message set per partition and holds
    # a fetch of drained partitions for fetch.wait.max.ms: keep it short.
    fetch_max_wait_ms => 10
  }
}
EOF
	filters
	echo 'output { null {} }'
} >"$T/bench.conf"

"$LOGPIPE" -f "$T/bench.conf" --api.http.port "$PORT" >"$T/lp.out" 2>"$T/lp.err" &
LP=$!
PIDS+=("$LP")
out() {
	curl -sf "http://127.0.0.1:$PORT/metrics" 2>/dev/null |
		awk '/^logpipe_events_out_total/{s+=$2} END{print s+0}'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$LP/stat"; }
now() { date +%s.%N; }

started() { [ "$(out)" -gt 0 ]; }
wait_until 120 started || { echo "no event delivered"; tail "$T/lp.err"; exit 1; }
t0=$(now) c0=$(cpu_ticks) o0=$(out)
done_() { [ "$(out)" -ge "$N" ]; }
wait_until 1800 done_ || { echo "not all events delivered: $(out)"; tail "$T/lp.err"; exit 1; }
t1=$(now) c1=$(cpu_ticks) o1=$(out)
rss=$(awk '/VmHWM/{print $2}' "/proc/$LP/status")
kill -TERM "$LP"
wait "$LP" || true

# The same filters fed from stdin, for the ratio.
{
	echo "input { stdin { codec => $STDIN_CODEC } }"
	filters
	echo 'output { null {} }'
} >"$T/stdin.conf"
s0=$(now)
python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[2:], check=True)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write("%f %f" % (ru.ru_utime, ru.ru_stime))' \
	"$T/stdin.time" "$LOGPIPE" -f "$T/stdin.conf" --api.enabled false \
	<"$T/events.jsonl" >/dev/null 2>"$T/stdin.err"
s1=$(now)

HZ=$(getconf CLK_TCK)
python3 - "$t0" "$t1" "$c0" "$c1" "$o0" "$o1" "$HZ" "$rss" "$N" "$PARTS" "$THREADS" "$s0" "$s1" \
	"$(cat "$T/stdin.time")" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" "$MODE" <<'EOF'
import sys
(t0, t1, c0, c1, o0, o1, hz, rss, n, parts, threads, s0, s1, stime, cores,
 load, mode) = sys.argv[1:]
wall = float(t1) - float(t0)
cpu = (int(c1) - int(c0)) / int(hz)
ev = int(o1) - int(o0)
swall = float(s1) - float(s0)
scpu = sum(float(x) for x in stime.split())
print("kafka -> " + ("payment filters" if sys.argv[17] == "payment" else "no filters") + " -> null: %s events, %s partitions, %s consumer thread(s); "
      "%s cores, load average %s" % (n, parts, threads, cores, load))
print("  kafka: %.0f events/s   %.0f events per CPU-second   (%d events in %.2f s wall, %.2f s CPU)"
      "   peak RSS %.1f MiB" % (ev / wall, ev / cpu if cpu > 0 else float("inf"), ev, wall, cpu,
                                int(rss) / 1024))
print("  stdin: %.0f events/s   %.0f events per CPU-second   (%s events in %.2f s wall, %.2f s CPU,"
      " start-up included)" % (int(n) / swall, int(n) / scpu if scpu > 0 else float("inf"), n, swall,
                               scpu))
if cpu > 0 and scpu > 0:
    print("  CPU per event, kafka / stdin: %.2f" % ((cpu / ev) / (scpu / int(n))))
EOF
