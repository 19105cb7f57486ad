#!/usr/bin/env bash
# Beats -> null and tcp -> null throughput with 1 and 50 connections, and the
# peak RSS of logpipe holding 1,000 idle Beats connections.
#
#   bench/beats.sh [BUILD_DIR] [EVENTS]
#
# Defaults: build 1000000. Events are Filebeat-shaped JSON (~850 bytes);
# Beats windows of 2048 events at zlib level 3 (Filebeat's defaults), two
# windows in flight per connection; tcp sends the same events as JSON lines
# (codec json_lines). Each run starts its own logpipe (-w 2) and reports
# events/s (first byte sent to last ACK, or to the last event counted out by
# /_node/stats for tcp) and events per CPU-second of the logpipe process
# (utime + stime from /proc over the run). Needs: cc, zlib headers (Debian:
# gcc zlib1g-dev), curl.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
N=${2:-1000000}
LOGPIPE=$BUILD/logpipe
[ -x "$LOGPIPE" ] || { echo "build first: $LOGPIPE"; exit 1; }

T=$(mktemp -d /tmp/logpipe-bench-beats.XXXXXX)
LP_PID=""
IDLE_PID=""
cleanup() {
	[ -n "$IDLE_PID" ] && kill "$IDLE_PID" 2>/dev/null || true
	[ -n "$LP_PID" ] && kill "$LP_PID" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

cc -O2 -I. -o "$T/beats_bench" bench/beats_bench.c inputs/beats/beats_frame.c pipeline/buf.c \
	pipeline/mem.c -lz -pthread

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

start_logpipe() { # config api_port
	"$LOGPIPE" -w 2 --log.level warn --api.http.port "$2" -e "$1" 2>"$T/logpipe.err" &
	LP_PID=$!
	local deadline=$((SECONDS + 15))
	until curl -fs "http://127.0.0.1:$2/health" >/dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || { echo "logpipe did not start"; cat "$T/logpipe.err"; exit 1; }
		kill -0 "$LP_PID" 2>/dev/null || { echo "logpipe exited"; cat "$T/logpipe.err"; exit 1; }
		sleep 0.05
	done
}

stop_logpipe() {
	kill "$LP_PID"
	wait "$LP_PID" 2>/dev/null || true
	LP_PID=""
}

wait_port() {
	local deadline=$((SECONDS + 15))
	until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
		[ $SECONDS -lt $deadline ] || { echo "port $1 not open"; exit 1; }
		sleep 0.05
	done
}

HZ=$(getconf CLK_TCK)
printf '%-6s %6s %10s %10s %12s %16s\n' input conns events wall_s events/s events/cpu-s
for mode in beats tcp; do
	for conns in 1 50; do
		port=$(free_port)
		api=$(free_port)
		if [ "$mode" = beats ]; then
			cfg="input { beats { port => $port host => \"127.0.0.1\" } } output { null {} }"
		else
			cfg="input { tcp { port => $port host => \"127.0.0.1\" codec => json_lines } } output { null {} }"
		fi
		start_logpipe "$cfg" "$api"
		wait_port "$port"
		c0=$(cpu_ticks "$LP_PID")
		if [ "$mode" = beats ]; then
			out=$("$T/beats_bench" beats "$port" "$conns" "$N")
		else
			out=$("$T/beats_bench" tcp "$port" "$conns" "$N" "$api")
		fi
		c1=$(cpu_ticks "$LP_PID")
		stop_logpipe
		wall=$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' <<<"$out")
		eps=$(sed -n 's/.*events_per_s=\([0-9]*\).*/\1/p' <<<"$out")
		cpu=$(awk -v a="$c0" -v b="$c1" -v hz="$HZ" 'BEGIN { printf "%.3f", (b - a) / hz }')
		epc=$(awk -v n="$N" -v c="$cpu" 'BEGIN { if (c > 0) printf "%.0f", n / c; else print "n/a" }')
		printf '%-6s %6s %10s %10s %12s %16s\n' "$mode" "$conns" "$N" "$wall" "$eps" "$epc"
	done
done

# peak RSS with 1,000 idle connections (each sent one window first)
port=$(free_port)
api=$(free_port)
start_logpipe "input { beats { port => $port host => \"127.0.0.1\" } } output { null {} }" "$api"
wait_port "$port"
base=$(awk '/VmHWM/ {print $2}' "/proc/$LP_PID/status")
mkfifo "$T/hold"
"$T/beats_bench" idle "$port" 1000 <"$T/hold" >"$T/idle.out" &
IDLE_PID=$!
exec 4>"$T/hold"
deadline=$((SECONDS + 60))
until grep -q ready "$T/idle.out" 2>/dev/null; do
	[ $SECONDS -lt $deadline ] || { echo "idle connections not ready"; exit 1; }
	sleep 0.05
done
peak=$(awk '/VmHWM/ {print $2}' "/proc/$LP_PID/status")
rss=$(awk '/VmRSS/ {print $2}' "/proc/$LP_PID/status")
exec 4>&-
wait "$IDLE_PID" || true
IDLE_PID=""
stop_logpipe
echo "idle: 1000 beats connections: peak RSS ${peak} KiB (RSS ${rss} KiB; ${base} KiB before connecting)"
