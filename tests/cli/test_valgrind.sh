#!/bin/sh
# Memory checks of the engine under valgrind, through the binary given as $1:
# a generator -> json/date/mutate -> null pipeline with two workers, and the
# payment example's filters over its sample logs (stdin -> file). Each run
# must exit 0 with no valgrind error and no definitely lost block.
# Needs valgrind (Debian package 'valgrind'); without it the test fails.
# Prints 'N passed, N failed'; exits non-zero on any failure (77, skipped,
# for a binary built with AddressSanitizer).
set -u
BIN=${1:?usage: test_valgrind.sh path/to/logpipe}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
SRC=${LOGPIPE_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export LOGPIPE_FAKE_NOW=2026-11-26T12:00:00.000Z
pass=0
fail=0

ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { name=$1; shift; if "$@"; then ok; else ko "$name"; fi; }
report() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; }

# A binary built with AddressSanitizer cannot run under valgrind (the ASan
# build checks the same things itself): skipped, with exit code 77.
if grep -q __asan_init "$BIN" 2>/dev/null; then
	echo "skipped: $BIN is built with AddressSanitizer, which cannot run under valgrind"
	exit 77
fi

if ! command -v valgrind >/dev/null 2>&1; then
	ko "valgrind is not installed (Debian package 'valgrind'); the memory checks cannot run"
	report
	exit 1
fi

# vg NAME CONFIG [STDIN]: runs logpipe under memcheck; the exit code goes to
# $TMP/NAME.rc and valgrind's report to $TMP/NAME.vg.
vg() {
	name=$1 conf=$2 input=${3:-/dev/null}
	printf '%s\n' "$conf" >"$TMP/$name.conf"
	timeout 300 valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite --track-origins=yes --num-callers=30 \
		--log-file="$TMP/$name.vg" \
		"$BIN" -w 2 --api.enabled false --log.level warn -f "$TMP/$name.conf" \
		<"$input" >"$TMP/$name.out" 2>"$TMP/$name.err"
	echo $? >"$TMP/$name.rc"
}
# clean NAME: exit 0, no error, nothing definitely lost
clean() {
	rc=$(cat "$TMP/$1.rc")
	if [ "$rc" != 0 ]; then
		echo "logpipe exited with $rc under valgrind; valgrind says:" >&2
		grep -v '^==[0-9]*== *$' "$TMP/$1.vg" | head -60 >&2
		echo "logpipe's stderr:" >&2
		tail -20 "$TMP/$1.err" >&2
		return 1
	fi
	grep -q 'ERROR SUMMARY: 0 errors' "$TMP/$1.vg" || { tail -40 "$TMP/$1.vg" >&2; return 1; }
	# "definitely lost: 0 bytes" or no leak at all ("All heap blocks were freed")
	if grep -q 'definitely lost:' "$TMP/$1.vg"; then
		grep -q 'definitely lost: 0 bytes' "$TMP/$1.vg" || { grep -A3 'definitely lost' "$TMP/$1.vg" >&2; return 1; }
	fi
}

# 1. generator -> json, date, mutate -> null: 2,000 events, two workers
vg gen 'input {
  generator {
    count => 2000
    lines => [ "{\"user\":\"alice-12345\",\"ts\":\"2024-03-01T21:00:00.123+09:00\",\"ms\":\"812\",\"level\":\"warn\"}",
               "{\"user\":\"bob\",\"ts\":\"01/Mar/2024:12:00:00 +0000\",\"ms\":\"x\"}",
               "not json at all" ]
  }
}
filter {
  json { source => "message" remove_field => [ "message" ] }
  date { match => [ "ts", "ISO8601", "dd/MMM/yyyy:HH:mm:ss Z" ] target => "@timestamp" }
  mutate {
    gsub => [ "user", "(.{3}).*(.{3})", "\1***\2" ]
    convert => { "ms" => "integer" }
    uppercase => [ "level" ]
    add_field => { "day" => "%{+YYYY.MM.dd}" "who" => "%{user}" }
    add_tag => [ "checked" ]
  }
  if [ms] and [ms] > 500 { mutate { add_field => { "tier" => "SLOW" } } }
  else if "_jsonparsefailure" in [tags] { drop { } }
}
output { null { } }'
check "generator pipeline: exit 0, no valgrind error, no definite leak" clean gen

# 2. the payment example's filters over its sample logs, stdin -> file
sed -n '/^filter {/,/^}/p' "$SRC/examples/payment/pipeline.conf" >"$TMP/payment_filter"
check "payment filter section found" grep -q 'json' "$TMP/payment_filter"
mkdir -p "$TMP/pay"
vg pay "input { stdin { codec => json_lines } }
$(cat "$TMP/payment_filter")
output { file { path => \"$TMP/pay/payment-%{+YYYY.MM.dd}.ndjson\" } }" \
	"$SRC/examples/payment/sample-logs.jsonl"
check "payment pipeline: exit 0, no valgrind error, no definite leak" clean pay
want=$(grep -c . "$SRC/examples/payment/sample-logs.jsonl")
got=$(cat "$TMP"/pay/*.ndjson 2>/dev/null | grep -c .)
check "payment pipeline wrote every sample event ($got of $want)" test "$got" -eq "$want"

report
