#!/usr/bin/env bash
# Kafka input against librdkafka's mock cluster (3 brokers, the real Kafka
# protocol on loopback) with kcat as the producer.
#
#   run.sh LOGPIPE MOCK_CLUSTER
#
# Proves: 100,000 messages consumed exactly once; a clean stop and restart
# resumes with no loss and no duplicates, also when stopped while the output
# pushes back; SIGKILL mid-stream then restart
# leaves every message in the output (duplicates counted); two processes in
# one group split the partitions and together deliver everything; one of them
# killed mid-stream, the other takes over and nothing is lost. Also: decorated
# metadata and headers, codec json with bad input, an unreachable broker, a
# missing topic. Every wait is on a condition with a deadline.
#
# Where a rebalance happens while messages flow, duplicates are counted, not
# failed: librdkafka's mock refuses offset commits while a rebalance is in
# progress (Kafka accepts them from the current generation), so a revoked
# partition may be consumed again from its previous commit.
set -euo pipefail

LOGPIPE=${1:?usage: run.sh LOGPIPE MOCK_CLUSTER}
MOCK=${2:?usage: run.sh LOGPIPE MOCK_CLUSTER}
HERE=$(cd "$(dirname "$0")" && pwd)
COUNT="python3 $HERE/count.py"
command -v kcat >/dev/null || { echo "FAIL: kcat is required (Debian package 'kcat')"; exit 1; }

T=$(mktemp -d /tmp/logpipe-kafka.XXXXXX)
declare -a PIDS=()
KEEP=0
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	exec 3>&- 2>/dev/null || true
	if [ "$KEEP" = 1 ]; then echo "logs kept in $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	local f
	for f in "$T"/*.err; do
		[ -f "$f" ] || continue
		echo "--- $(basename "$f") (last 15 lines)"
		tail -n 15 "$f"
	done
	KEEP=1
	exit 1
}
pass() { echo "ok: $*"; }

# wait_until SECONDS COMMAND...: polls COMMAND every 50 ms until it succeeds;
# fails the test when the deadline passes.
wait_until() {
	local limit=$1 start=$SECONDS
	shift
	until "$@"; do
		[ $((SECONDS - start)) -lt "$limit" ] || return 1
		sleep 0.05
	done
}

field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p"; }
unique_of() { $COUNT "$@" | field unique; }

# ---- configuration errors point at the option (no broker needed)
check_error() {
	local out rc=0
	out=$("$LOGPIPE" -t -e "input { kafka { $1 } } output { stdout {} }" 2>&1) || rc=$?
	[ "$rc" = 1 ] || fail "config check of '$1' exited with $rc, not 1: $out"
	grep -qF -- "$2" <<<"$out" || fail "config check of '$1' did not say '$2': $out"
}
check_error 'kafka_properties => { "fetch.wait.max.ms" => 50 "no.such.property" => "1" }' \
	"librdkafka rejected property 'no.such.property'"
check_error 'kafka_properties => { "enable.auto.offset.store" => "true" }' \
	"property 'enable.auto.offset.store' is managed by logpipe"
check_error 'partition_assignment_strategy => "sticky"' "use 'cooperative_sticky'"
check_error 'decorate_events => "full"' "decorate_events"
check_error 'topics => ["^logs-.*"]' "use topics_pattern"
check_error 'sasl_jaas_config => "org.apache.kafka.common.security.plain.PlainLoginModule required;"' \
	'needs username="..." and password="..."'
check_error 'ssl_truststore_type => "JKS"' "convert it to PEM"
cat >"$T/valid.conf" <<'CONF'
input {
  kafka {
    topics => ["a", "b"]
    codec => json
    decorate_events => "extended"
    consumer_threads => 2
    security_protocol => "SASL_SSL"
    sasl_mechanism => "PLAIN"
    sasl_jaas_config => 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";'
    kafka_properties => { "fetch.wait.max.ms" => 50 "queued.max.messages.kbytes" => 32768 }
  }
}
output { stdout {} }
CONF
"$LOGPIPE" -t -f "$T/valid.conf" >"$T/check.out" 2>&1 || fail "a valid kafka block was refused: $(cat "$T/check.out")"
pass "configuration errors point at the option; a full valid block is accepted"

# ---- the mock cluster
mkfifo "$T/mock.ctl"
"$MOCK" t1:6 bp:6 split:6 failover:6 threads:6 deco:2 bad:1 <"$T/mock.ctl" >"$T/mock.out" 2>"$T/mock.err" &
PIDS+=($!)
exec 3>"$T/mock.ctl"
wait_until 30 test -s "$T/mock.out" || fail "the mock cluster did not start"
BS=$(head -n 1 "$T/mock.out")
echo "mock cluster: $BS"

# produce TOPIC FROM TO: messages m-FROM..m-TO keyed by their number (so
# they spread over all partitions), acknowledged by the brokers.
produce() {
	seq "$2" "$3" | awk '{ print $1 ":m-" $1 }' |
		kcat -P -b "$BS" -t "$1" -K: -X queue.buffering.max.ms=20 ||
		fail "kcat could not produce to '$1'"
}

# conf NAME TOPIC GROUP [EXTRA INPUT OPTIONS]: writes $T/NAME.conf.
conf() {
	cat >"$T/$1.conf" <<EOF
input {
  kafka {
    bootstrap_servers => "$BS"
    topics => ["$2"]
    group_id => "$3"
    auto_offset_reset => "earliest"
    session_timeout_ms => 6000
    heartbeat_interval_ms => 500
    decorate_events => "basic"
    add_field => { "kpart" => "%{[@metadata][kafka][partition]}" }
    kafka_properties => { "fetch.wait.max.ms" => "50" "topic.metadata.refresh.interval.ms" => "1000" }
    ${4:-}
  }
}
output { stdout { codec => json_lines } }
EOF
}

# start NAME CONF: starts logpipe, appending to $T/NAME.out; sets LP_PID.
start() {
	"$LOGPIPE" -f "$T/$2.conf" >>"$T/$1.out" 2>>"$T/$1.err" &
	LP_PID=$!
	PIDS+=("$LP_PID")
}

# start_slow NAME CONF RATE: as start, but stdout goes through a reader that
# takes at most RATE lines per second (the output pushes back); sets LP_PID
# and SLOW_PID (the reader, which ends once logpipe's stdout closes).
start_slow() {
	rm -f "$T/$1.pipe"
	mkfifo "$T/$1.pipe"
	python3 "$HERE/throttle.py" "$3" "$T/$1.out" <"$T/$1.pipe" &
	SLOW_PID=$!
	PIDS+=("$SLOW_PID")
	"$LOGPIPE" -f "$T/$2.conf" >"$T/$1.pipe" 2>>"$T/$1.err" &
	LP_PID=$!
	PIDS+=("$LP_PID")
}

# stop PID NAME: SIGTERM, then waits (deadline) for a clean exit 0.
stop() {
	kill -TERM "$1"
	wait_until 90 bash -c "! kill -0 $1 2>/dev/null" || fail "$2 did not stop within 90 s"
	local rc=0
	wait "$1" || rc=$?
	[ "$rc" = 0 ] || fail "$2 exited with status $rc after SIGTERM"
}

killed() {
	kill -9 "$1"
	wait "$1" 2>/dev/null || true
}

at_least() { [ "$(unique_of --expect "$2" --first "$3" "${@:4}")" -ge "$1" ]; }
# more_lines_than N FILE...: the files hold more than N lines (cheap check).
more_lines_than() { [ "$(cat "${@:2}" 2>/dev/null | wc -l)" -gt "$1" ]; }
has_log() { grep -q -- "$2" "$T/$1.err" 2>/dev/null; }

# ---- 1. 100,000 messages exactly once
produce t1 1 100000
conf one t1 g1
start one one
wait_until 180 at_least 100000 100000 1 "$T/one.out" || fail "100,000 messages were not consumed: $($COUNT --expect 100000 "$T/one.out")"
stop "$LP_PID" one
r=$($COUNT --expect 100000 "$T/one.out")
[ "$(echo "$r" | field lines)" = 100000 ] && [ "$(echo "$r" | field unique)" = 100000 ] &&
	[ "$(echo "$r" | field bad)" = 0 ] || fail "not exactly once: $r"
pass "100,000 messages consumed exactly once ($r)"

# ---- 2. clean stop and restart: resumes with no loss and no duplicates
produce t1 100001 120000
start one one
wait_until 120 at_least 120000 120000 1 "$T/one.out" || fail "the restart did not resume: $($COUNT --expect 120000 "$T/one.out")"
stop "$LP_PID" one
r=$($COUNT --expect 120000 "$T/one.out")
[ "$(echo "$r" | field lines)" = 120000 ] && [ "$(echo "$r" | field unique)" = 120000 ] ||
	fail "restart lost or repeated messages: $r"
pass "clean stop and restart: no loss, no duplicates ($r)"

# ---- 2b. clean stop while the output pushes back: what was in flight is
# either delivered or consumed again, never committed undelivered
produce bp 1 100000
conf bp bp g9
start_slow bp bp 10000
wait_until 120 more_lines_than 20000 "$T/bp.out" || fail "consumption did not start before the stop"
stop "$LP_PID" bp
wait "$SLOW_PID" || fail "the output reader failed"
at_stop=$(unique_of --expect 100000 "$T/bp.out")
[ "$at_stop" -lt 100000 ] || fail "the stop came too late to find messages in flight"
start bp bp
wait_until 120 at_least 100000 100000 1 "$T/bp.out" || fail "messages lost after a stop under backpressure: $($COUNT --expect 100000 "$T/bp.out")"
stop "$LP_PID" bp
r=$($COUNT --expect 100000 "$T/bp.out")
[ "$(echo "$r" | field lines)" = 100000 ] || fail "stop under backpressure lost or repeated messages: $r"
pass "clean stop under backpressure (at $at_stop of 100000), restart: no loss, no duplicates"

# ---- 3. SIGKILL mid-stream, then restart: every message present
produce t1 120001 220000
before=$(cat "$T/one.out" | wc -l)
start_slow one one 20000
wait_until 120 more_lines_than $((before + 20000)) "$T/one.out" || fail "consumption did not start before the kill"
killed "$LP_PID"
wait "$SLOW_PID" || fail "the output reader failed"
at_kill=$(unique_of --expect 220000 "$T/one.out")
echo "killed with $at_kill of 220000 messages in the output"
[ "$at_kill" -lt 220000 ] || fail "the kill came too late to be mid-stream"
start one one
wait_until 180 at_least 220000 220000 1 "$T/one.out" || fail "messages lost after SIGKILL: $($COUNT --expect 220000 "$T/one.out")"
stop "$LP_PID" one
r=$($COUNT --expect 220000 "$T/one.out")
[ "$(echo "$r" | field missing)" = 0 ] || fail "messages lost after SIGKILL: $r"
pass "SIGKILL mid-stream then restart: nothing lost, $(echo "$r" | field dups) duplicate(s) ($r)"

# ---- 4. two processes in one group split the partitions
conf split split g2 'partition_assignment_strategy => "cooperative_sticky"'
start a split
A=$LP_PID
wait_until 60 has_log a "was assigned partitions" || fail "process a got no partitions"
start b split
B=$LP_PID
wait_until 60 has_log b "was assigned partitions" || fail "process b got no partitions"
produce split 1 100000
wait_until 180 at_least 100000 100000 1 "$T/a.out" "$T/b.out" || fail "the group did not deliver everything: $($COUNT --expect 100000 "$T/a.out" "$T/b.out")"
stop "$A" a
stop "$B" b
ra=$($COUNT --expect 100000 "$T/a.out")
rb=$($COUNT --expect 100000 "$T/b.out")
r=$($COUNT --expect 100000 "$T/a.out" "$T/b.out")
pa=$(echo "$ra" | field partitions)
pb=$(echo "$rb" | field partitions)
[ "$(echo "$ra" | field lines)" -gt 0 ] && [ "$(echo "$rb" | field lines)" -gt 0 ] ||
	fail "one process got nothing: a: $ra, b: $rb"
[ "$(echo "$r" | field lines)" = 100000 ] && [ "$(echo "$r" | field unique)" = 100000 ] ||
	fail "the group did not deliver exactly once: $r"
common=$(comm -12 <(tr , '\n' <<<"$pa" | sort) <(tr , '\n' <<<"$pb" | sort))
[ -z "$common" ] || fail "both processes consumed partition(s) $common: a=$pa b=$pb"
[ "$(tr , '\n' <<<"$pa,$pb" | sort -u | wc -l)" = 6 ] || fail "partitions not covered: a=$pa b=$pb"
pass "two processes split the partitions (a: $pa, b: $pb) and delivered everything once"

# ---- 5. one of two killed mid-stream: the other takes over, nothing lost
conf failover failover g3
start fa failover
FA=$LP_PID
wait_until 60 has_log fa "was assigned partitions" || fail "process fa got no partitions"
start_slow fb failover 20000
FB=$LP_PID
wait_until 60 has_log fb "was assigned partitions" || fail "process fb got no partitions"
# The producer keeps going while fb is killed: the kill lands mid-stream.
produce failover 1 200000 &
PRODUCER=$!
wait_until 120 more_lines_than 5000 "$T/fb.out" || fail "process fb did not consume before the kill"
killed "$FB"
wait "$SLOW_PID" || fail "the output reader failed"
pb=$($COUNT --expect 200000 "$T/fb.out" | field partitions)
at_kill=$(unique_of --expect 200000 "$T/fa.out" "$T/fb.out")
echo "killed fb (partitions $pb) with $at_kill of 200000 messages in the outputs"
wait "$PRODUCER" || fail "kcat could not produce to 'failover'"
[ "$at_kill" -lt 200000 ] || fail "the kill came too late to be mid-stream"
wait_until 240 at_least 200000 200000 1 "$T/fa.out" "$T/fb.out" || fail "messages lost after killing one process: $($COUNT --expect 200000 "$T/fa.out" "$T/fb.out")"
stop "$FA" fa
r=$($COUNT --expect 200000 "$T/fa.out" "$T/fb.out")
[ "$(echo "$r" | field missing)" = 0 ] || fail "messages lost: $r"
pa=$($COUNT --expect 200000 "$T/fa.out" | field partitions)
for p in ${pb//,/ }; do
	[[ ",$pa," == *",$p,"* ]] || fail "the survivor did not take over partition $p of the killed process (fa: $pa)"
done
has_log fa "assigned partitions 'failover'\[0\], 'failover'\[1\], 'failover'\[2\], 'failover'\[3\], 'failover'\[4\], 'failover'\[5\]" ||
	fail "the survivor was never assigned every partition"
pass "one process killed mid-stream: the other took over its partitions ($pb), nothing lost, $(echo "$r" | field dups) duplicate(s) ($r)"

# ---- 5b. consumer_threads: three group members in one process share the work
conf threads threads g8 'consumer_threads => 3'
start threads threads
for i in 0 1 2; do
	wait_until 60 has_log threads "Consumer $i of group 'g8' was assigned" ||
		fail "consumer thread $i got no partitions"
done
produce threads 1 30000
wait_until 120 at_least 30000 30000 1 "$T/threads.out" || fail "consumer_threads did not deliver everything: $($COUNT --expect 30000 "$T/threads.out")"
stop "$LP_PID" threads
r=$($COUNT --expect 30000 "$T/threads.out")
[ "$(echo "$r" | field lines)" = 30000 ] || fail "consumer_threads did not deliver exactly once: $r"
pass "consumer_threads => 3: every thread got partitions, everything delivered once ($r)"

# ---- 6. decorate_events extended: metadata and headers
cat >"$T/deco.conf" <<EOF
input {
  kafka {
    bootstrap_servers => "$BS" topics => ["deco"] group_id => "g4" auto_offset_reset => "earliest"
    decorate_events => "extended"
    add_field => { "k" => "%{[@metadata][kafka][topic]}|%{[@metadata][kafka][consumer_group]}|%{[@metadata][kafka][partition]}|%{[@metadata][kafka][offset]}|%{[@metadata][kafka][key]}|%{[@metadata][kafka][headers][origin]}" "kts" => "%{[@metadata][kafka][timestamp]}" }
  }
}
output { stdout { codec => json_lines } }
EOF
printf 'key1:hello\n' | kcat -P -b "$BS" -t deco -p 1 -K: -H origin=edge-7 || fail "kcat could not produce to 'deco'"
start deco deco
wait_until 60 grep -q hello "$T/deco.out" || fail "the decorated message did not arrive"
stop "$LP_PID" deco
grep -q '"k":"deco|g4|1|0|key1|edge-7"' "$T/deco.out" || fail "wrong metadata: $(cat "$T/deco.out")"
grep -q '"kts":"1[0-9]\{12\}"' "$T/deco.out" || fail "no Kafka timestamp: $(cat "$T/deco.out")"
pass "decorate_events extended: topic, group, partition, offset, key, timestamp, headers"

# ---- 7. codec json: valid and invalid messages
printf '%s\n' '{"a":1,"message":"m-1"}' 'not json at all' | kcat -P -b "$BS" -t bad ||
	fail "kcat could not produce to 'bad'"
cat >"$T/bad.conf" <<EOF
input { kafka { bootstrap_servers => "$BS" topics => ["bad"] group_id => "g5" auto_offset_reset => "earliest" codec => json } }
output { stdout { codec => json_lines } }
EOF
start bad bad
wait_until 60 more_lines_than 1 "$T/bad.out" || fail "the json messages did not arrive"
stop "$LP_PID" bad
grep -q '"a":1' "$T/bad.out" || fail "valid JSON was not decoded: $(cat "$T/bad.out")"
grep '"message":"not json at all"' "$T/bad.out" | grep -q _jsonparsefailure ||
	fail "invalid JSON did not become a tagged event: $(cat "$T/bad.out")"
pass "codec json: objects decoded, invalid text kept with _jsonparsefailure"

# ---- 8. unreachable broker: clear logs, retries, clean stop
cat >"$T/down.conf" <<EOF
input { kafka { bootstrap_servers => "127.0.0.1:1" topics => ["t1"] group_id => "g6" } }
output { stdout { codec => json_lines } }
EOF
start down down
wait_until 60 has_log down "Cannot reach Kafka broker" || fail "no clear log about the unreachable broker"
kill -0 "$LP_PID" || fail "logpipe died with an unreachable broker"
stop "$LP_PID" down
pass "unreachable broker: logged, retried, stopped cleanly"

# ---- 9. missing topic: logged clearly
cat >"$T/missing.conf" <<EOF
input { kafka { bootstrap_servers => "$BS" topics => ["no-such-topic"] group_id => "g7" auto_create_topics => false } }
output { stdout { codec => json_lines } }
EOF
start missing missing
wait_until 60 has_log missing "'no-such-topic' does not exist" || fail "no clear log about the missing topic"
stop "$LP_PID" missing
pass "missing topic: logged clearly"

echo "kafka integration: all passed"
