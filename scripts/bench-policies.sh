#!/usr/bin/env bash
# What policies cost: one AI route (OpenAI client, Anthropic upstream: translated) without
# policies and the same route with API-key authentication (20 keys), a request limit that does
# not trigger and regex prompt guards on request and answer (Benchmarks/policies), against the
# fixed-answer nginx upstream, alternately for ROUNDS rounds in one run; compares the medians
# (target: with policies >= 0.9x without).
#   DURATION=10 CONNECTIONS=64 ROUNDS=3 scripts/bench-policies.sh
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-10}
rounds=${ROUNDS:-3}
connections=${CONNECTIONS:-64}
for tool in wrk nginx; do
  command -v $tool >/dev/null || { apt-get install -y --no-install-recommends wrk nginx-light >/dev/null || exit 1; }
done
swift build -c release --product gwc >/dev/null
swift build -c release --product gwrun >/dev/null
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/tmp"
sed "s|PREFIX|$work|g" Benchmarks/proxy/upstream.conf > "$work/upstream.conf"
nginx -e /dev/null -p "$work" -c "$work/upstream.conf" -g 'daemon off;' & pids+=($!)
.build/release/gwc build Benchmarks/policies -o "$work/bench.gwt" >/dev/null
mkdir -p "$work/secrets/bench/anthropic-secret" "$work/secrets/bench/client-keys"
printf 'bench-key-not-a-secret' > "$work/secrets/bench/anthropic-secret/Authorization"
printf 'sk-bench-7f3c9a1e5b2d4f6a8c0e1b3d5f7a9c2e' > "$work/secrets/bench/client-keys/bench-client"
for n in $(seq 19); do printf 'sk-other-client-%04d' "$n" > "$work/secrets/bench/client-keys/client-$n"; done
.build/release/gwrun --table "$work/bench.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 \
  --port-offset 52000 --admin-port 18299 > /dev/null 2> "$work/gwrun.err" & pids+=($!)
wait_for() { for _ in $(seq 600); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "bench: $1 never answered" >&2; exit 1; }
wait_for http://127.0.0.1:18200/
wait_for http://127.0.0.1:18299/readyz
# Both routes answer the same, and the guarded one refuses a client without a key.
chat='{"model":"claude-opus-4-7","max_tokens":1024,"messages":[{"role":"user","content":"hi"}]}'
for route in open guarded; do
  answer=$(curl -s "http://127.0.0.1:60080/$route/v1/chat/completions" -H content-type:application/json \
    -H 'authorization: Bearer sk-bench-7f3c9a1e5b2d4f6a8c0e1b3d5f7a9c2e' -d "$chat")
  grep -q '"chat.completion"' <<<"$answer" || { echo "bench: /$route answered: $answer" >&2; exit 1; }
done
[ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:60080/guarded/v1/chat/completions -d "$chat")" = 401 ] \
  || { echo "bench: the guarded route served a client without a key" >&2; exit 1; }
run() {  # run NAME URL: warm up, then measure; prints one row
  wrk -t2 -c"$connections" --latency -s Benchmarks/proxy/chat.lua -d2s "$2" > /dev/null
  wrk -t2 -c"$connections" --latency -s Benchmarks/proxy/chat.lua -d"${duration}s" "$2" > "$work/$1.wrk"
  python3 scripts/lib/wrk-row.py "$1" "$work/$1.wrk"
}
echo "wrk -t2 -c$connections -d${duration}s on $(nproc) cores; translated AI route; upstream: nginx fixed answer"
printf '%-22s %10s %9s %9s\n' route req/s p50-ms p99-ms
for round in $(seq "$rounds"); do
  run "no-policies-$round" http://127.0.0.1:60080/open/v1/chat/completions
  run "policies-$round" http://127.0.0.1:60080/guarded/v1/chat/completions
done
python3 - "$work" <<'PY'
import glob, statistics, sys
w = sys.argv[1]
median = lambda pattern: statistics.median(float(open(p).read()) for p in glob.glob(f"{w}/{pattern}.wrk.rps"))
plain, guarded = median("no-policies-*"), median("policies-*")
ratio = guarded / plain
print(f"medians: without policies {plain:.0f} req/s, with auth + limit + guards {guarded:.0f} req/s")
print(f"policies: {ratio:.2f}x of the route without them (target >= 0.9x) {'ok' if ratio >= 0.9 else 'MISSED'}")
PY
