#!/usr/bin/env bash
# End-to-end checks of the command line and the engine through the binary
# given as $1: -t, exit codes, -f with directories and globs, ${VAR},
# logpipe.yml settings, the monitoring API, draining on SIGTERM, forced exit
# on a second signal, and the -e defaults. Prints 'N passed, N failed'.
set -u
BIN=${1:?usage: test_engine.sh path/to/logpipe}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
TMP=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { local name=$1; shift; if "$@"; then ok; else ko "$name"; fi; }
# wait_for SECONDS COMMAND...: polls until the command succeeds or the deadline passes
wait_for() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.05
  done
}

# -t on a good config
cat > "$TMP/good.conf" <<'CONF'
input { generator { count => 1 } }
filter { mutate { add_field => { "x" => "y" } } }
output { null {} }
CONF
out=$("$BIN" -t -f "$TMP/good.conf" 2>&1); rc=$?
check "-t prints Configuration OK" [ "$out" = "Configuration OK" ]
check "-t exits 0" [ $rc -eq 0 ]

# -t on a config with two errors: both printed with file:line:col, exit 1
cat > "$TMP/bad.conf" <<'CONF'
input { generator { count => 1 } }
filter {
  json { sorce => "message" }
  mutat { }
}
output { null {} }
CONF
"$BIN" -t -f "$TMP/bad.conf" > "$TMP/out" 2> "$TMP/err"; rc=$?
check "bad config exits 1" [ $rc -eq 1 ]
check "unknown option reported at 3:10" grep -q "bad.conf:3:10: error: unknown option 'sorce' for filter 'json'" "$TMP/err"
check "unknown plugin reported at 4:3" grep -q "bad.conf:4:3: error: unknown filter plugin 'mutat' (did you mean 'mutate'?)" "$TMP/err"
check "nothing on stdout for a bad config" [ ! -s "$TMP/out" ]

# -V and an unknown flag
check "-V prints the version" bash -c "'$BIN' -V | grep -q '^logpipe [0-9]'"
"$BIN" --no-such-setting 1 2> "$TMP/err"; rc=$?
check "unknown setting exits 1" [ $rc -eq 1 ]
check "unknown setting is named" grep -q "no-such-setting" "$TMP/err"

# -f with a directory: files concatenated in alphabetical order into one pipeline
mkdir -p "$TMP/conf.d"
echo 'input { stdin { codec => json_lines } }' > "$TMP/conf.d/10-in.conf"
echo 'filter { mutate { add_field => { "order" => "%{step}-b" } } }' > "$TMP/conf.d/30-b.conf"
echo 'filter { mutate { replace => { "step" => "a" } } }' > "$TMP/conf.d/20-a.conf"
echo 'output { stdout { codec => json_lines } }' > "$TMP/conf.d/90-out.conf"
echo '{"step":"0"}' | "$BIN" -w 1 --api.enabled false -f "$TMP/conf.d" > "$TMP/out" 2>/dev/null
check "directory files run in alphabetical order" grep -q '"order":"a-b"' "$TMP/out"
echo '{"step":"0"}' | "$BIN" -w 1 --api.enabled false -f "$TMP/conf.d/*.conf" > "$TMP/out" 2>/dev/null
check "glob files run in alphabetical order" grep -q '"order":"a-b"' "$TMP/out"

# ${VAR} and ${VAR:default}
echo '{}' | GREETING=hello "$BIN" -w 1 --api.enabled false -e 'input { stdin { codec => json_lines } } filter { mutate { add_field => { "g" => "${GREETING}" "d" => "${NOT_SET_ANYWHERE:fallback}" } } } output { stdout { codec => json_lines } }' > "$TMP/out" 2>/dev/null
check "\${VAR} substituted" grep -q '"g":"hello"' "$TMP/out"
check "\${VAR:default} substituted" grep -q '"d":"fallback"' "$TMP/out"
"$BIN" -t -e 'input { stdin { } } filter { mutate { add_field => { "g" => "${NOT_SET_ANYWHERE}" } } }' 2> "$TMP/err"; rc=$?
check "undefined \${VAR} is a config error" [ $rc -eq 1 ]
check "undefined \${VAR} is named" grep -q "NOT_SET_ANYWHERE" "$TMP/err"

# -e defaults: no input means stdin, no output means stdout with rubydebug
echo 'hello' | "$BIN" -w 1 --api.enabled false -e 'filter { }' > "$TMP/out" 2>/dev/null
check "-e defaults to stdin -> rubydebug" grep -q '"message" => "hello"' "$TMP/out"
echo 'hello' | "$BIN" -w 1 --api.enabled false -e 'filter { }' 2>&1 >/dev/null | grep -q '"message"'
check "logs never reach stdout" [ $? -ne 0 ]

# logpipe.yml: settings from the file, flags win, errors name file and line
mkdir -p "$TMP/settings"
printf 'pipeline:\n  batch:\n    size: 7\nlog.level: error\n' > "$TMP/settings/logpipe.yml"
echo '{"a":1}' | "$BIN" --path.settings "$TMP/settings" --api.enabled false -e 'input { stdin { codec => json_lines } } output { stdout { codec => json_lines } }' > "$TMP/out" 2> "$TMP/err"
check "logpipe.yml log.level applies (no info lines)" [ ! -s "$TMP/err" ]
printf 'pipeline.workers: many\n' > "$TMP/settings/logpipe.yml"
"$BIN" --path.settings "$TMP/settings" -e 'filter {}' < /dev/null 2> "$TMP/err"; rc=$?
check "bad logpipe.yml exits 1" [ $rc -eq 1 ]
check "bad logpipe.yml names file:line" grep -q "logpipe.yml:1: setting 'pipeline.workers' expects a non-negative integer" "$TMP/err"

# monitoring API and SIGTERM drain on an endless generator
"$BIN" -w 1 --api.http.port 9650-9699 -e 'input { generator { count => 0 } } output { null {} }' > /dev/null 2> "$TMP/api.err" &
pid=$!; PIDS+=($pid)
port_known() { grep -q 'Monitoring API on http://127.0.0.1:' "$TMP/api.err"; }
check "API announces its port" wait_for 10 port_known
port=$(sed -n 's/.*Monitoring API on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$TMP/api.err" | head -n 1)
events_flowing() { curl -s "http://127.0.0.1:$port/metrics" | awk '/^logpipe_events_out_total/ { exit !($2 > 0) }'; }
check "/metrics counts events" wait_for 10 events_flowing
check "/health is green" bash -c "curl -s http://127.0.0.1:$port/health | grep -q green"
check "/_node/stats has pipeline events" bash -c "curl -s http://127.0.0.1:$port/_node/stats | grep -q '\"events\"'"
kill -TERM $pid
wait $pid; rc=$?
check "SIGTERM drains and exits 0" [ $rc -eq 0 ]
check "drain is logged" grep -q "Pipeline 'main' stopped" "$TMP/api.err"

# SIGTERM drains what is queued: events read from a FIFO all come out
mkfifo "$TMP/fifo"
"$BIN" -w 1 --api.enabled false -e 'input { stdin { codec => json_lines } } input { generator { count => 0 message => "tick" } } filter { if [message] == "tick" { drop {} } } output { stdout { codec => json_lines } }' < "$TMP/fifo" > "$TMP/drain.out" 2> "$TMP/drain.err" &
pid=$!; PIDS+=($pid)
exec 7> "$TMP/fifo"
for i in $(seq 1 200); do echo "{\"i\":$i}" >&7; done
all_out() { [ "$(grep -c '"i":' "$TMP/drain.out")" -eq 200 ]; }
check "events flow before the signal" wait_for 20 all_out
kill -TERM $pid
wait $pid; rc=$?
exec 7>&-
check "exit 0 after SIGTERM with a held-open input" [ $rc -eq 0 ]

# a second signal forces exit and reports the events in flight
mkfifo "$TMP/blocked"
"$BIN" -w 1 --api.enabled false -e 'input { generator { count => 5000 } } output { stdout { codec => json_lines } }' > "$TMP/blocked" 2> "$TMP/force.err" &
pid=$!; PIDS+=($pid)
exec 8< "$TMP/blocked"          # opened but never read: the output blocks
started() { grep -q "Pipeline 'main' started" "$TMP/force.err"; }
check "blocked pipeline started" wait_for 10 started
kill -TERM $pid
first_logged() { grep -q "Received SIGTERM" "$TMP/force.err"; }
check "first signal logged" wait_for 10 first_logged
kill -TERM $pid
wait $pid; rc=$?
exec 8<&-
check "second signal exits 2" [ $rc -eq 2 ]
check "forced exit reports events in flight" grep -Eq "Forced exit on a second signal: [0-9]+ events were still in flight" "$TMP/force.err"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
