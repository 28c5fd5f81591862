#!/usr/bin/env bash
# What sharing rate limits through Redis costs (#16): the same plain route with a request limit
# that does not trigger (Benchmarks/shared-limits), on a gwrun with its own buckets and on one with
# --redis (redis-server on this machine), against the fixed-answer nginx upstream, alternately for
# ROUNDS rounds in one run; compares the medians (target: shared >= 0.8x local).
#   DURATION=10 CONNECTIONS=64 ROUNDS=3 scripts/bench-shared-limits.sh
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-10}
rounds=${ROUNDS:-3}
connections=${CONNECTIONS:-64}
for tool in wrk nginx redis-server; do
  command -v $tool >/dev/null || { apt-get install -y --no-install-recommends wrk nginx-light redis-server >/dev/null || exit 1; }
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
redis-server --port 18379 --bind 127.0.0.1 --save "" --appendonly no --dir "$work" --logfile "$work/redis.log" & pids+=($!)
.build/release/gwc build Benchmarks/shared-limits -o "$work/bench.gwt" >/dev/null
.build/release/gwrun --table "$work/bench.gwt" --listen-address 127.0.0.1 --port-offset 10000 --admin-port 18301 > /dev/null 2> "$work/local.err" & pids+=($!)
.build/release/gwrun --table "$work/bench.gwt" --listen-address 127.0.0.1 --port-offset 10100 --admin-port 18302 \
  --redis redis://127.0.0.1:18379 > /dev/null 2> "$work/shared.err" & pids+=($!)
wait_for() { for _ in $(seq 600); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "bench: $1 never answered" >&2; exit 1; }
wait_for http://127.0.0.1:18200/
wait_for http://127.0.0.1:18301/readyz
wait_for http://127.0.0.1:18302/readyz
for port in 18080 18180; do
  answer=$(curl -s "http://127.0.0.1:$port/limited")
  [ "$answer" = "hello from the fixed upstream" ] || { echo "bench: port $port answered: $answer" >&2; exit 1; }
done
redis-cli -p 18379 --scan --pattern 'gwrun:*' | grep -q ratelimit || { echo "bench: the shared gwrun wrote no bucket to Redis" >&2; exit 1; }
run() {  # run NAME URL: warm up, then measure; prints one row
  wrk -t2 -c"$connections" --latency -d2s "$2" > /dev/null
  wrk -t2 -c"$connections" --latency -d"${duration}s" "$2" > "$work/$1.wrk"
  python3 scripts/lib/wrk-row.py "$1" "$work/$1.wrk"
}
echo "wrk -t2 -c$connections -d${duration}s on $(nproc) cores; plain route with a request limit; upstream: nginx fixed answer; redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') on this machine"
printf '%-22s %10s %9s %9s\n' limit req/s p50-ms p99-ms
for round in $(seq "$rounds"); do
  run "local-$round" http://127.0.0.1:18080/limited
  run "shared-$round" http://127.0.0.1:18180/limited
done
fallbacks=$(curl -s 127.0.0.1:18302/metrics | awk '$1 == "gwrun_shared_limit_fallbacks_total" { print $2 }')
echo "shared gwrun: ${fallbacks:-0} requests decided locally (Redis late or failing)"
calls=$(redis-cli -p 18379 info commandstats | tr -d '\r' | awk -F'[=,:]' '/^cmdstat_evalsha/ { print $3 }')
echo "redis: ${calls:-0} script calls for every request of the shared rounds (batches and leases)"
python3 - "$work" <<'PY'
import glob, statistics, sys
w = sys.argv[1]
median = lambda pattern: statistics.median(float(open(p).read()) for p in glob.glob(f"{w}/{pattern}.wrk.rps"))
local, shared = median("local-*"), median("shared-*")
ratio = shared / local
print(f"medians: local buckets {local:.0f} req/s, shared through Redis {shared:.0f} req/s")
print(f"shared: {ratio:.2f}x of local (target >= 0.8x) {'ok' if ratio >= 0.8 else 'MISSED'}")
PY
