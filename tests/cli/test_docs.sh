#!/usr/bin/env bash
# Every built-in plugin has a page in docs/plugins/ whose option table is the
# one the plugin declares (regenerate with docs/gen_options.sh).
set -u
BIN=${1:?usage: test_docs.sh path/to/logpipe}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
DOCS=${LOGPIPE_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/docs/plugins
pass=0 fail=0
while read -r kind name; do
  page="$DOCS/$kind-$name.md"
  want=$(LOGPIPE_DESCRIBE_MARKDOWN=1 "$BIN" describe "$kind" "$name")
  if [ ! -f "$page" ]; then
    echo "FAIL: no page $page for $kind plugin '$name'"; fail=$((fail + 1)); continue
  fi
  got=$(sed -n '/^<!-- options -->$/,$p' "$page" | sed '1,/^## Options$/d' | sed '/./,$!d')
  if [ "$got" = "$want" ]; then
    pass=$((pass + 1))
  else
    echo "FAIL: the option table in $page differs from 'logpipe describe $kind $name' (run docs/gen_options.sh)"
    diff <(echo "$want") <(echo "$got") | head -n 10
    fail=$((fail + 1))
  fi
done < <("$BIN" describe list)
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
