#!/usr/bin/env bash
# Integration test of the elasticsearch output against the project's
# Elasticsearch 8 emulator (es_emulator.py), on 127.0.0.1 only.
#
# For ES_TEST_EVENTS events (100,000 by default), once without faults and
# once under each fault and under all of them at once, logpipe reads JSON
# lines on stdin and bulk-indexes them into daily indices; es_check.py then
# proves that every event is present at least once (duplicates are counted
# and reported), the 400s are in the dead-letter queue with their reasons,
# every document sits in the index of its @timestamp's UTC day, the template
# was installed exactly once, the fault really happened, and logpipe exited 0
# after draining. Small runs check the legacy template API (a 7.x emulator),
# create with a document_id under dropped connections (no duplicates), two
# hosts with the first one down, and HTTPS with a CA file (an untrusted
# certificate must be refused). The emulator's own answers are checked first
# (emulator_selftest.py). ES_TEST_ONLY="base outage" runs only those.
#
# Usage: run.sh /path/to/logpipe
set -euo pipefail

LOGPIPE=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
N=${ES_TEST_EVENTS:-100000}
POISON_EVERY=250
WORK=$(mktemp -d /tmp/lp-es-test.XXXXXX)
EMU_PID=""
FAILED=0

cleanup() {
	stop_emulator
	if [ "$FAILED" = 0 ] && [ -z "${KEEP_WORK:-}" ]; then rm -rf "$WORK"; else echo "work files kept in $WORK"; fi
}
trap cleanup EXIT

stop_emulator() {
	if [ -n "$EMU_PID" ]; then
		kill "$EMU_PID" 2>/dev/null || true
		wait "$EMU_PID" 2>/dev/null || true
		EMU_PID=""
	fi
}

# start_emulator NAME ARGS...: starts the emulator, waits (with a deadline)
# until it printed its port, sets PORT.
start_emulator() {
	local name=$1
	shift
	local portfile="$WORK/$name.port"
	: > "$portfile"
	python3 "$HERE/es_emulator.py" --port 0 "$@" > "$portfile" 2> "$WORK/$name.emulator.log" &
	EMU_PID=$!
	local deadline=$((SECONDS + 20))
	until [ -s "$portfile" ]; do
		if [ $SECONDS -ge $deadline ] || ! kill -0 "$EMU_PID" 2>/dev/null; then
			echo "FAIL [$name]: the emulator did not start"; cat "$WORK/$name.emulator.log"; return 1
		fi
		read -r -t 0.05 <> <(:) || true
	done
	PORT=$(head -n1 "$portfile")
}

# scenario NAME "OUTPUT OPTIONS" "CHECK ARGS" EMULATOR ARGS...
scenario() {
	local name=$1 outopts=$2 checkargs=$3
	shift 3
	# ES_TEST_ONLY="base outage": run only those scenarios.
	if [ -n "${ES_TEST_ONLY:-}" ] && [[ " $ES_TEST_ONLY " != *" $name "* ]]; then return; fi
	local events=${EVENTS_FILE:-$WORK/events.jsonl}
	start_emulator "$name" --reject kind=poison "$@" || { FAILED=1; return; }
	local data="$WORK/$name.data"
	mkdir -p "$data"
	local conf="$WORK/$name.conf"
	local hosts="\"http://127.0.0.1:$PORT\""
	[ -n "${TLS:-}" ] && hosts="\"https://127.0.0.1:$PORT\""
	if [ -n "${DEAD_HOST_FIRST:-}" ]; then
		# A port nothing listens on (bound, then released), without a scheme.
		local dead
		dead=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
		hosts="\"127.0.0.1:$dead\", \"127.0.0.1:$PORT\""
	fi
	cat > "$conf" <<CONF
input { stdin { codec => json_lines } }
output {
  elasticsearch {
    id => "es_test"
    hosts => [ $hosts ]
    index => "logs-%{+YYYY.MM.dd}"
    template_name => "logs"
    retry_initial_interval => 0.25
    retry_max_interval => 1
    resurrect_delay => 0.5
    $outopts
  }
}
CONF
	local t0=$SECONDS rc=0
	timeout 600 "$LOGPIPE" -f "$conf" -w 32 -b 500 --api.enabled false \
		--dead_letter_queue.enable true --path.data "$data" \
		< "$events" > "$WORK/$name.out" 2> "$WORK/$name.log" &
	local lp=$!
	# logpipe retries forever by design: if the emulator itself dies, stop.
	while kill -0 "$lp" 2>/dev/null; do
		if ! kill -0 "$EMU_PID" 2>/dev/null; then
			echo "FAIL [$name]: the emulator exited during the run"
			kill "$lp" 2>/dev/null || true
			FAILED=1
			break
		fi
		read -r -t 0.2 <> <(:) || true
	done
	wait "$lp" || rc=$?
	local secs=$((SECONDS - t0))
	if [ $rc != 0 ]; then
		echo "FAIL [$name]: logpipe exited $rc"; tail -n 20 "$WORK/$name.log"; FAILED=1
	fi
	if grep -qE "Sanitizer|runtime error" "$WORK/$name.log"; then
		echo "FAIL [$name]: sanitizer report"; grep -m5 -E "Sanitizer|runtime error" "$WORK/$name.log"; FAILED=1
	fi
	if grep -qF -e "s3cr3t-key" -e "changeme" -e "$(printf logpipe:s3cr3t-key | base64)" "$WORK/$name.log"; then
		echo "FAIL [$name]: a secret appears in the log"; FAILED=1
	fi
	if ! grep -q "stopped" "$WORK/$name.log"; then
		echo "FAIL [$name]: logpipe did not report a drained stop"; FAILED=1
	fi
	# shellcheck disable=SC2086
	if ! python3 "$HERE/es_check.py" check --name "$name" --events "$events" \
		--es "$([ -n "${TLS:-}" ] && echo https || echo http)://127.0.0.1:$PORT" --dlq "$data/dead_letter_queue/main" $checkargs; then
		FAILED=1
		tail -n 20 "$WORK/$name.log"
	fi
	echo "[$name] logpipe ran ${secs}s"
	stop_emulator
}

# The peer first: its answers must have Elasticsearch 8's shapes.
python3 "$HERE/emulator_selftest.py" || FAILED=1

python3 "$HERE/es_check.py" gen --count "$N" --poison-every "$POISON_EVERY" > "$WORK/events.jsonl"

T="--template _index_template/logs"

scenario base "api_key => \"logpipe:s3cr3t-key\"" "$T" --api-key logpipe:s3cr3t-key
scenario item_429 "" "$T --expect items_by_status.429>=50" --item-429-fraction 0.05
scenario window_503 "" "$T --expect bulk_fault_responses>=3" \
	--bulk-fault-status 503 --bulk-fault-every 2 --bulk-fault-for 0.6
scenario window_429 "compression_level => 0" "$T --expect bulk_fault_responses>=3" \
	--bulk-fault-status 429 --bulk-fault-every 2 --bulk-fault-for 0.6
scenario dropped_connection "" "$T --expect dropped_connections>=3" --drop-fraction 0.05
scenario outage "" "$T --expect outage_resets>=1" --outage-after 10 --outage-seconds 3
scenario all_faults "user => \"elastic\" password => \"changeme\"" \
	"$T --expect items_by_status.429>=50 --expect bulk_fault_responses>=1 --expect dropped_connections>=1 --expect outage_resets>=1" \
	--user elastic --password changeme --item-429-fraction 0.03 \
	--bulk-fault-status 503 --bulk-fault-every 3 --bulk-fault-for 0.6 \
	--drop-fraction 0.03 --outage-after 20 --outage-seconds 3

# Elasticsearch 7: the legacy _template API.
python3 "$HERE/es_check.py" gen --count 2000 --poison-every "$POISON_EVERY" > "$WORK/events7.jsonl"
EVENTS_FILE="$WORK/events7.jsonl" scenario es7 "" "--template _template/logs" --es-version 7.17.22

# create with a document_id under dropped connections: retries of documents
# already indexed get 409, which drops them (logged): no duplicates.
EVENTS_FILE="$WORK/events7.jsonl" scenario create_with_id \
	"action => \"create\" document_id => \"%{uid}\"" \
	"$T --expect dropped_connections>=1 --expect items_by_status.409>=1 --max-duplicates 0" \
	--drop-fraction 0.5

# HTTPS with the server certificate verified against a CA file.
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/tls.key" -out "$WORK/tls.crt" -days 2 \
		-subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
	EVENTS_FILE="$WORK/events7.jsonl" TLS=1 scenario tls \
		"ssl_certificate_authorities => \"$WORK/tls.crt\" ssl_verification_mode => \"full\"" "$T" \
		--tls-cert "$WORK/tls.crt" --tls-key "$WORK/tls.key"
	# Without the CA the certificate must be refused: nothing is indexed.
	if start_emulator tls_untrusted --tls-cert "$WORK/tls.crt" --tls-key "$WORK/tls.key"; then
		(printf '{"uid":"x"}\n' | timeout -k 2 4 "$LOGPIPE" --api.enabled false -e \
			"input { stdin { codec => json_lines } } output { elasticsearch { hosts => [ \"https://127.0.0.1:$PORT\" ] } }" \
			> /dev/null 2> "$WORK/tls_untrusted.log") 2> /dev/null || true
		docs=$(python3 -c 'import json,ssl,sys,urllib.request as u; print(json.load(u.urlopen(sys.argv[1], context=ssl._create_unverified_context()))["docs"])' \
			"https://127.0.0.1:$PORT/_emulator/stats")
		if [ "$docs" != 0 ] || ! grep -qiE "certificate|SSL" "$WORK/tls_untrusted.log"; then
			echo "FAIL [tls_untrusted]: an unverified server was used ($docs documents)"; FAILED=1
		else
			echo "[tls_untrusted] the unknown certificate was refused"
		fi
		stop_emulator
	else
		FAILED=1
	fi
else
	echo "FAIL [tls]: openssl is needed (Debian: openssl)"; FAILED=1
fi

# Two hosts, the first one down: everything reaches the second.
EVENTS_FILE="$WORK/events7.jsonl" DEAD_HOST_FIRST=1 scenario two_hosts "" "$T"

if [ "$FAILED" != 0 ]; then
	echo "elasticsearch integration test FAILED"
	exit 1
fi
echo "elasticsearch integration test passed"
