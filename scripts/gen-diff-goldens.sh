#!/usr/bin/env bash
# Rewrites the expected outputs of the gwc diff golden cases from the current gwc.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product gwc >/dev/null
for dir in Tests/GatewayCompilerTests/Fixtures/diff/*/; do
  dir=${dir%/}
  flags=()
  [ -f "$dir/allow-errors" ] && flags+=(--allow-errors)
  for format in text markdown json; do
    case $format in text) out=expected.txt ;; markdown) out=expected.md ;; json) out=expected.json ;; esac
    (cd "$dir" && NO_COLOR=1 ../../../../../.build/debug/gwc diff "${flags[@]}" --format "$format" old new > "$out" 2>/dev/null || true)
  done
done
