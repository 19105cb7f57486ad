#!/usr/bin/env bash
# Regenerates the option table of every plugin page in docs/plugins/ from the
# plugins' declared option tables (the same table `logpipe describe` prints).
# Everything after the "<!-- options -->" marker line is replaced.
#   docs/gen_options.sh path/to/logpipe
set -euo pipefail
BIN=${1:?usage: gen_options.sh path/to/logpipe}
DIR=$(cd "$(dirname "$0")" && pwd)/plugins
"$BIN" describe list | while read -r kind name; do
  page="$DIR/$kind-$name.md"
  if [ ! -f "$page" ]; then
    printf '# %s `%s`\n\n%s\n\n<!-- options -->\n' "$kind" "$name" \
      "$("$BIN" describe "$kind" "$name" | head -n 1 | sed 's/^[a-z]* plugin .[a-z_]*.: //')" > "$page"
  fi
  tmp=$(mktemp)
  sed '/^<!-- options -->$/q' "$page" > "$tmp"
  grep -qx '<!-- options -->' "$tmp" || printf '\n<!-- options -->\n' >> "$tmp"
  { printf '\n## Options\n\n'; LOGPIPE_DESCRIBE_MARKDOWN=1 "$BIN" describe "$kind" "$name"; } >> "$tmp"
  mv "$tmp" "$page"
done
