#!/usr/bin/env bash
# Benchmark of `gwc lint` against the floor for any YAML front end: a C program that pulls every
# libyaml event and discards it. Prints median wall time of 5 runs, the ratio and peak memory,
# for generated corpora of 10,000 and 100,000 HTTPRoutes (with Gateways, backends, Secrets).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product gwc >/dev/null
mkdir -p .build/bench
cc -O2 -o .build/bench/yaml-scan Benchmarks/yaml-scan.c $(pkg-config --cflags --libs yaml-0.1)
GWC=.build/release/gwc
runs=${RUNS:-7}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# The two commands alternate, run after run, so that a noisy neighbour slows both alike.
printf '%-8s %-8s %-16s %-14s %-7s %-12s\n' routes yaml-MB libyaml-scan-s "gwc lint -s" ratio gwc-peak-MB
for n in 10000 100000; do
  dir=.build/bench/corpus-$n
  [ -d "$dir" ] || python3 scripts/gen-corpus.py "$n" "$dir"
  size=$(du -sm "$dir" | cut -f1)
  scans=(); lints=(); mems=()
  for _ in $(seq $runs); do
    /usr/bin/time -f "%e %M" -o .build/bench/t .build/bench/yaml-scan "$dir"/*.yaml >/dev/null
    read -r t _ < .build/bench/t; scans+=("$t")
    /usr/bin/time -f "%e %M" -o .build/bench/t "$GWC" lint --format json "$dir" >/dev/null
    read -r t m < .build/bench/t; lints+=("$t"); mems+=("$m")
  done
  scan=$(printf '%s\n' "${scans[@]}" | median); lint=$(printf '%s\n' "${lints[@]}" | median)
  mem=$(printf '%s\n' "${mems[@]}" | median)
  ratio=$(awk -v a="$lint" -v b="$scan" 'BEGIN {printf "%.2f", a / b}')
  printf '%-8s %-8s %-16s %-14s %-7s %-12s\n' "$n" "$size" "$scan" "$lint" "$ratio" "$((mem / 1024))"
done

# For scale: PyYAML's C loader building Python objects from the 10,000-route corpus.
if python3 -c 'import yaml; yaml.CSafeLoader' 2>/dev/null; then
  /usr/bin/time -f "%e" -o .build/bench/t python3 -c '
import glob, sys, yaml
for path in sorted(glob.glob(sys.argv[1] + "/*.yaml")):
    with open(path) as f:
        list(yaml.load_all(f, Loader=yaml.CSafeLoader))' .build/bench/corpus-10000
  echo "PyYAML CSafeLoader, 10000 routes: $(cat .build/bench/t) s"
fi
