#!/bin/sh
# Runs every config-error case under tests/configs/errors/<case>/: from
# inside the case folder, `logpipe -t -f bad.conf` must exit with 1 and its
# stderr must equal expected.err byte for byte.
# Usage: check_errors.sh /path/to/logpipe
set -u
bin=${1:?usage: check_errors.sh /path/to/logpipe}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
here=$(cd "$(dirname "$0")" && pwd)
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for dir in "$here"/errors/*/; do
	name=$(basename "$dir")
	if [ ! -f "$dir/bad.conf" ] || [ ! -f "$dir/expected.err" ]; then
		echo "SKIP $name: needs bad.conf and expected.err"
		continue
	fi
	# the variables a case relies on being unset
	(cd "$dir" && env -u LOGPIPE_TEST_UNDEFINED_URL "$bin" -t -f bad.conf >"$tmp/out" 2>"$tmp/err")
	rc=$?
	if [ "$rc" -ne 1 ]; then
		echo "FAIL $name: exit code $rc, expected 1"
		sed 's/^/    /' "$tmp/err"
		fail=$((fail + 1))
	elif ! diff -u "$dir/expected.err" "$tmp/err" >"$tmp/diff"; then
		echo "FAIL $name: stderr differs from expected.err"
		sed 's/^/    /' "$tmp/diff"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
