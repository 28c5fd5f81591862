#!/usr/bin/env bash
# Fuzzes the YAML/JSON-to-IR path (the whole lint pipeline) with libFuzzer for a bounded time,
# seeded from the samples and test fixtures. usage: scripts/fuzz.sh [seconds]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
scripts/setup.sh
GWC_FUZZ=1 swift build --scratch-path .build-fuzz -c release --product gwc-fuzz -Xswiftc -sanitize=fuzzer,address >/dev/null
corpus=.build-fuzz/corpus
mkdir -p "$corpus" .build-fuzz/crashes
# A real table seeds the verifier's half of the target.
swift build --product gwc >/dev/null && .build/debug/gwc build samples/hermes-anthropic -o "$corpus/seed-table.gwt" >/dev/null
find samples Tests/GatewayCompilerTests/Fixtures -name '*.yaml' -o -name '*.json' | while read -r f; do
  cp "$f" "$corpus/$(echo "$f" | tr '/' '_')"
done
.build-fuzz/release/gwc-fuzz "$corpus" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
  -rss_limit_mb=4096 -artifact_prefix=.build-fuzz/crashes/ -print_final_stats=1 2>&1 | tail -20
