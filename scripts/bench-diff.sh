#!/usr/bin/env bash
# gwc diff of a 10,000-route corpus against a copy with 100 changed routes (weights moved),
# against the time gwc build takes for both sides. Target: diff < build(old) + build(new) + 1 s.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product gwc >/dev/null
mkdir -p .build/bench
old=.build/bench/corpus-10000
new=.build/bench/corpus-10000-changed
[ -d "$old" ] || python3 scripts/gen-corpus.py 10000 "$old"
rm -rf "$new" && cp -r "$old" "$new"
# Change routes 0, 100, 200, ... 9900 (100 routes): their Service weight 90 becomes 40.
python3 - "$new" <<'PY'
import glob, re, sys
for path in glob.glob(sys.argv[1] + "/routes-*.yaml"):
    text = open(path).read()
    def change(match):
        i = int(match.group(1))
        block = match.group(0)
        return block.replace("weight: 90", "weight: 40") if i % 100 == 0 else block
    text = re.sub(r"name: route-(\d+)\n.*?(?=\n---|\Z)", change, text, flags=re.S)
    open(path, "w").write(text)
PY
timed() { /usr/bin/time -q -f "%e" -o .build/bench/t "$@" >/dev/null 2>&1 || true; tail -1 .build/bench/t; }
build_old=$(timed .build/release/gwc build "$old" -o .build/bench/old.gwt)
build_new=$(timed .build/release/gwc build "$new" -o .build/bench/new.gwt)
diff_manifests=$(timed .build/release/gwc diff "$old" "$new")
diff_tables=$(timed .build/release/gwc diff .build/bench/old.gwt .build/bench/new.gwt)
.build/release/gwc diff --format json "$old" "$new" > .build/bench/diff.json || true
summary=$(python3 -c 'import json; d=json.load(open(".build/bench/diff.json"))["summary"]; print(d["objects"], "objects,", d["requests"], "requests")')
budget=$(awk -v a="$build_old" -v b="$build_new" 'BEGIN {printf "%.2f", a + b + 1}')
echo "build old ${build_old} s, build new ${build_new} s, budget ${budget} s"
echo "diff manifests ${diff_manifests} s, diff tables ${diff_tables} s (${summary})"
awk -v d="$diff_manifests" -v b="$budget" 'BEGIN {exit !(d < b)}' && echo "within budget" || echo "OVER BUDGET"
