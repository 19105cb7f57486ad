#!/usr/bin/env bash
# The payment benchmark, side by side: logpipe, rsyslog and syslog-ng each
# take the same Filebeat-shaped JSON lines over TCP (loopback), do the same
# work (inner JSON, timestamp, userId mask, latency tier, error category) and
# bulk-index into daily indices on a fast local _bulk sink (bench/es_sink.c).
# Every pass is verified (bench/payment/verify.py): a system that indexes an
# event twice, misses one, or gets a field or an index wrong is reported as
# failing, whatever its speed.
#
#   bench/payment/run.sh [EVENTS] [REPETITIONS]
#
# Defaults: 200000 events, 3 repetitions (the systems take turns within each
# repetition, so a noisy neighbour hurts them alike). Environment:
#   BUILD    logpipe build directory (default build-release; configured with
#            --buildtype=release when missing, and rebuilt)
#   SYSTEMS  which systems run (default "logpipe rsyslog syslog-ng"; also
#            logpipe-w1 and logpipe-w2: logpipe with 1 or 2 workers)
#   PEERS    where syslog-ng is unpacked (default $BUILD/bench-peers)
#   OUT      results file, one JSON line per pass (default $T/results.jsonl)
#   BENCH_DEADLINE  seconds one pass may take (default 600)
# Installs rsyslog and rsyslog-elasticsearch with apt-get; syslog-ng (which
# conflicts with rsyslog as a package) is fetched with apt-get download and
# unpacked with dpkg -x. Needs: cc, meson, ninja, python3, zlib headers.
set -euo pipefail
cd "$(dirname "$0")/../.."
SRC=$PWD
N=${1:-200000}
REPS=${2:-3}
BUILD=${BUILD:-build-release}
SYSTEMS=${SYSTEMS:-"logpipe rsyslog syslog-ng"}
PEERS=${PEERS:-$BUILD/bench-peers}
export BENCH_DEADLINE=${BENCH_DEADLINE:-600}

T=$(mktemp -d /tmp/logpipe-payment-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT
OUT=${OUT:-$T/results.jsonl}
: > "$OUT"

# Peers.
if ! dpkg -s rsyslog rsyslog-elasticsearch >/dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q rsyslog rsyslog-elasticsearch >/dev/null
fi
SNG_PKGS="syslog-ng-core syslog-ng-mod-http syslog-ng-scl libivykis0 libnet1 libwrap0"
if [ ! -x "$PEERS/root/usr/sbin/syslog-ng" ]; then
	mkdir -p "$PEERS/debs" "$PEERS/root"
	(cd "$PEERS/debs" && apt-get download $SNG_PKGS >/dev/null 2>&1)
	for d in "$PEERS"/debs/*.deb; do dpkg -x "$d" "$PEERS/root"; done
fi
export SNG_ROOT
SNG_ROOT=$(cd "$PEERS/root" && pwd)
SNG_LIBS=$SNG_ROOT/usr/lib/x86_64-linux-gnu:$SNG_ROOT/usr/lib/syslog-ng

# logpipe, the sink and the sender.
[ -f "$BUILD/build.ninja" ] || meson setup --buildtype=release -Dtests=false "$BUILD" >/dev/null
ninja -C "$BUILD" logpipe >/dev/null
LOGPIPE=$(cd "$BUILD" && pwd)/logpipe
cc -O2 -o "$T/es_sink" bench/es_sink.c -lz -pthread
cc -O2 -o "$T/send" bench/payment/send.c -pthread

# The workload, once.
python3 bench/payment_gen.py "$N" > "$T/events.jsonl"

run_system() { # NAME REP
	local name=$1 dir=$T/$1-$2
	local m=(python3 bench/payment/measure.py "$name" "$T/events.jsonl" "$T/es_sink" "$T/send" "$dir")
	case $name in
	logpipe | logpipe-w*)
		local w=()
		[ "$name" = logpipe ] || w=(-w "${name#logpipe-w}")
		"${m[@]}" "$SRC/bench/payment/logpipe.conf" -- "$LOGPIPE" -f @CONFIG@ "${w[@]}" \
			--api.enabled false --log.level error ;;
	rsyslog)
		"${m[@]}" "$SRC/bench/payment/rsyslog.conf" -- rsyslogd -n -f @CONFIG@ -i @WORKDIR@/rsyslogd.pid ;;
	syslog-ng)
		LD_LIBRARY_PATH=$SNG_LIBS "${m[@]}" "$SRC/bench/payment/syslog-ng.conf" -- \
			"$SNG_ROOT/usr/sbin/syslog-ng" -F -f @CONFIG@ --module-path="$SNG_ROOT/usr/lib/syslog-ng/3.38" \
			-R @WORKDIR@/persist -c @WORKDIR@/ctl -p @WORKDIR@/pid ;;
	*) echo "unknown system $name" >&2; return 1 ;;
	esac
}

for rep in $(seq 1 "$REPS"); do
	for s in $SYSTEMS; do
		run_system "$s" "$rep" >> "$OUT" || true
		tail -n 1 "$OUT" | python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); print("%-12s pass %s: %s events/CPU-s, %s events/s, peak RSS %s KiB, %s" % (r["system"], '"$rep"', r.get("events_per_cpu_s"), r.get("events_per_s"), r.get("rss_peak_kib"), "verified" if r["verified"] else "FAILED %s %s" % (r.get("error", ""), r["verify"].get("errors"))))' >&2
		rm -rf "${T:?}/$s-$rep"
	done
done

LOGPIPE_VERSION=$("$LOGPIPE" --version 2>&1 | head -n 1)
RSYSLOG_VERSION=$(dpkg-query -W -f '${Version}' rsyslog)
SNG_VERSION=$(dpkg-deb -f "$PEERS"/debs/syslog-ng-core_*.deb Version)
python3 bench/payment/summary.py "$OUT" "$N" "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')" \
	"$LOGPIPE_VERSION" "$RSYSLOG_VERSION" "$SNG_VERSION"
