#!/bin/sh
# End-to-end checks of the stdin/generator inputs, the stdout/null outputs,
# the drop filter and the codecs, through the binary given as $1.
# Needs jq. Prints 'N passed, N failed'; exits non-zero on any failure.
set -u
BIN=${1:?usage: test_stdio.sh path/to/logpipe}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export LOGPIPE_FAKE_NOW=2026-11-26T12:00:00.000Z
pass=0
fail=0

ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# check NAME COMMAND...: the command's success is the check
check() { name=$1; shift; if "$@"; then ok; else ko "$name"; fi; }

# run CONFIG [input]: runs logpipe with one worker, stdin from $TMP/in,
# stdout to $TMP/out, stderr to $TMP/err; the exit code goes to $TMP/rc.
run() {
	timeout 60 "$BIN" -w 1 -e "$1" <"$TMP/in" >"$TMP/out" 2>"$TMP/err"
	echo $? >"$TMP/rc"
}
rc_is() { [ "$(cat "$TMP/rc")" = "$1" ] || { echo "exit code $(cat "$TMP/rc"), stderr:" >&2; cat "$TMP/err" >&2; return 1; }; }
out_is() { printf '%s\n' "$1" >"$TMP/want"; cmp -s "$TMP/want" "$TMP/got" || { echo "want: $1" >&2; echo "got:  $(cat "$TMP/got")" >&2; return 1; }; }

# 1. json_lines in and out: both events, in order, with @timestamp and @version
printf '%s\n' '{"a":1}' '{"a":2}' >"$TMP/in"
run 'input { stdin { codec => json_lines } } output { stdout { codec => json_lines } }'
check "json_lines exit 0" rc_is 0
jq -c '[.a, .["@version"], .["@timestamp"]]' "$TMP/out" >"$TMP/got" 2>&1
check "json_lines events in order" out_is '[1,"1","2026-11-26T12:00:00.000Z"]
[2,"1","2026-11-26T12:00:00.000Z"]'

# 2. line codec (default): CRLF stripped, blank line kept, last line without newline, host name
printf 'first\r\n\nlast' >"$TMP/in"
run 'input { stdin { } } output { stdout { codec => json_lines } }'
check "line exit 0" rc_is 0
jq -c '.message' "$TMP/out" >"$TMP/got" 2>&1
check "line messages" out_is '"first"
""
"last"'
jq -r '.host.hostname' "$TMP/out" | sort -u >"$TMP/got"
check "stdin sets [host][hostname]" out_is "$(hostname)"
check "stdin adds no [event][original]" test "$(jq -c '.event' "$TMP/out" | sort -u)" = null

# 3. invalid JSON line keeps the text and is tagged
printf '%s\n' '{"ok":true}' 'not json' >"$TMP/in"
run 'input { stdin { codec => json_lines } } output { stdout { codec => json_lines } }'
check "jsonparsefailure exit 0" rc_is 0
jq -c '[.message, .tags]' "$TMP/out" >"$TMP/got" 2>&1
check "jsonparsefailure tagged" out_is '[null,null]
["not json",["_jsonparsefailure"]]'

# 4. rubydebug is the default stdout codec
printf 'hi\n' >"$TMP/in"
run 'input { stdin { } } output { stdout { } }'
check "rubydebug exit 0" rc_is 0
check "rubydebug message line" grep -qx '       "message" => "hi"' "$TMP/out"
check "rubydebug timestamp line" grep -qx '    "@timestamp" => 2026-11-26T12:00:00.000Z,' "$TMP/out"

# 5. generator: count rounds, sequence, host name, lines cycled
: >"$TMP/in"
run 'input { generator { count => 3 } } output { stdout { codec => json_lines } }'
check "generator exit 0" rc_is 0
jq -c '[.message, .event.sequence]' "$TMP/out" >"$TMP/got" 2>&1
check "generator events" out_is '["Hello world!",0]
["Hello world!",1]
["Hello world!",2]'
check "generator [host][name]" test "$(jq -r '.host.name' "$TMP/out" | sort -u)" = "$(hostname)"
run 'input { generator { count => 2 lines => ["a", "b"] } } output { stdout { codec => json_lines } }'
jq -c '[.message, .event.sequence]' "$TMP/out" >"$TMP/got" 2>&1
check "generator lines" out_is '["a",0]
["b",0]
["a",1]
["b",1]'

# 6. drop: everything, and inside a conditional
printf '%s\n' '{"l":"debug"}' '{"l":"info"}' '{"l":"debug"}' >"$TMP/in"
run 'input { stdin { codec => json_lines } } filter { drop { } } output { stdout { codec => json_lines } }'
check "drop exit 0" rc_is 0
check "drop leaves nothing" test ! -s "$TMP/out"
run 'input { stdin { codec => json_lines } } filter { if [l] == "debug" { drop { } } } output { stdout { codec => json_lines } }'
jq -c '.l' "$TMP/out" >"$TMP/got" 2>&1
check "conditional drop" out_is '"info"'

# 7. null output and dots codec
: >"$TMP/in"
run 'input { generator { count => 1000 } } output { null { } }'
check "null exit 0" rc_is 0
check "null writes nothing" test ! -s "$TMP/out"
run 'input { generator { count => 250 } } output { stdout { codec => dots } }'
check "dots: one per event" test "$(cat "$TMP/out")" = "$(printf '%250s' '' | tr ' ' .)"

# 8. many events through stdin arrive complete and in order with one worker
seq 1 20000 | sed 's/.*/{"n":&}/' >"$TMP/in"
run 'input { stdin { codec => json_lines } } output { stdout { codec => json_lines } }'
check "bulk exit 0" rc_is 0
jq -r '.n' "$TMP/out" >"$TMP/got" 2>/dev/null
seq 1 20000 >"$TMP/want"
check "bulk complete and ordered" cmp -s "$TMP/want" "$TMP/got"

# 9. a closed stdout does not kill logpipe with SIGPIPE nor hang it
#    (logpipe's own exit status is captured inside the subshell)
( timeout 60 "$BIN" -w 1 -e 'input { generator { count => 200000 } } output { stdout { codec => json_lines } }' \
	</dev/null 2>"$TMP/err"; echo $? >"$TMP/rc" ) | head -c 100 >/dev/null
rc=$(cat "$TMP/rc")
check "closed stdout: no SIGPIPE death, no hang (rc=$rc)" test "$rc" -ne 141 -a "$rc" -ne 124

# 10. stop interrupts a blocked stdin read: SIGTERM while stdin stays open
rm -f "$TMP/fifo"; mkfifo "$TMP/fifo"
"$BIN" -w 1 -e 'input { stdin { } } output { stdout { codec => json_lines } }' <"$TMP/fifo" >"$TMP/out" 2>"$TMP/err" &
pid=$!
exec 3>"$TMP/fifo"
printf 'before-stop\n' >&3
i=0
while [ $i -lt 300 ] && ! grep -q before-stop "$TMP/out" 2>/dev/null; do
	i=$((i + 1)); sleep 0.1
done
check "stdin event delivered while input open" grep -q before-stop "$TMP/out"
kill -TERM $pid
i=0
while [ $i -lt 300 ] && kill -0 $pid 2>/dev/null; do
	i=$((i + 1)); sleep 0.1
done
if kill -0 $pid 2>/dev/null; then
	ko "SIGTERM did not stop a blocked stdin input"
	kill -KILL $pid
	wait $pid 2>/dev/null
else
	wait $pid
	check "SIGTERM with open stdin exits 0" test $? -eq 0
fi
exec 3>&-

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
