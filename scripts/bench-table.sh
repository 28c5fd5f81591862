#!/usr/bin/env bash
# Route table benchmark, for generated corpora of 10 and 10,000 routes: build time, table size
# (per route and against the YAML), open-and-verify time, and lookups per second on one core for
# a mixed request set, against a linear scan over the IR.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product gwc >/dev/null
swift build -c release --product gwc-bench >/dev/null
mkdir -p .build/bench
printf '%-7s %-9s %-8s %-11s %-10s %-9s %-12s %-15s %-15s %-8s %s\n' routes yaml-KB build-s table-KB bytes/route vs-yaml open-verify-ms table-lookups/s ir-scan/s speedup agree
for n in 10 10000; do
  dir=.build/bench/corpus-$n
  [ -d "$dir" ] || python3 scripts/gen-corpus.py "$n" "$dir"
  yaml=$(cat "$dir"/*.yaml | wc -c)
  /usr/bin/time -f "%e" -o .build/bench/t .build/release/gwc build "$dir" -o .build/bench/table-$n.gwt >/dev/null
  build=$(cat .build/bench/t)
  size=$(stat -c %s .build/bench/table-$n.gwt)
  line=$(taskset -c 0 .build/release/gwc-bench "$dir" .build/bench/table-$n.gwt)
  get() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
  printf '%-7s %-9s %-8s %-11s %-10s %-9s %-12s %-15s %-15s %-8s %s\n' "$n" "$((yaml / 1024))" "$build" "$((size / 1024))" \
    "$((size / n))" "$(awk -v a="$size" -v b="$yaml" 'BEGIN {printf "%.2f", a / b}')" "$(get open_verify_ms)" \
    "$(get table_lookups_per_s)" "$(get ir_scan_lookups_per_s)" "$(get speedup)" "$(get agree)"
done
