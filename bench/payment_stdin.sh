#!/usr/bin/env bash
# The payment pipeline's filters (json -> date -> gsub -> tiering ->
# categorisation) fed from stdin, into a daily-index file output or into null,
# at 1 and 2 workers. Reports events/s, events per CPU-second and peak RSS.
#
#   bench/payment_stdin.sh [path/to/logpipe] [events]
#
# The workload (Filebeat-shaped payment events, ~880 bytes) is generated once
# by bench/payment_gen.py into $WORK (default /tmp/logpipe-bench).
set -euo pipefail
BIN=${1:-build/logpipe}
N=${2:-200000}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${WORK:-/tmp/logpipe-bench}
mkdir -p "$WORK"
DATA="$WORK/payment-$N.jsonl"
[ -s "$DATA" ] || python3 "$HERE/payment_gen.py" "$N" > "$DATA"
BYTES=$(stat -c %s "$DATA")

# The filter section of the example, with a chosen output.
FILTERS=$(sed -n '/^filter {/,/^}/p' "$HERE/../examples/payment/pipeline.conf")
conf() {
  printf 'input { stdin { codec => json_lines } }\n%s\noutput { %s }\n' "$FILTERS" "$1"
}

printf '%-6s %-8s %10s %12s %14s %10s\n' output workers events/s MiB/s events/CPU-s peakRSS
for out in null file; do
  for w in 1 2; do
    rm -rf "$WORK/out"
    case $out in
      null) o='null {}' ;;
      file) o="file { path => \"$WORK/out/kakaopay-logs-%{+YYYY.MM.dd}.ndjson\" }" ;;
    esac
    conf "$o" > "$WORK/bench.conf"
    # GNU time: elapsed, user+sys CPU seconds, max RSS in KiB
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" \
      "$BIN" -w "$w" --log.level error --api.enabled false -f "$WORK/bench.conf" < "$DATA" > /dev/null
    read -r el us sy rss < "$WORK/time"
    if [ "$out" = file ]; then
      got=$(cat "$WORK"/out/*.ndjson | wc -l)
      [ "$got" -eq "$N" ] || { echo "file output wrote $got of $N events" >&2; exit 1; }
    fi
    awk -v n="$N" -v b="$BYTES" -v el="$el" -v us="$us" -v sy="$sy" -v rss="$rss" -v o="$out" -v w="$w" \
      'BEGIN { printf "%-6s %-8s %10.0f %12.1f %14.0f %8.1fMiB\n", o, w, n / el, b / el / 1048576, n / (us + sy), rss / 1024 }'
  done
done
