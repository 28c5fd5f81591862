#!/usr/bin/env bash
# Throughput and latency of gwrun against nginx (a plain reverse proxy) and LiteLLM's proxy
# (OpenAI-to-Anthropic translation), in one run on this machine, with wrk, all against the same
# fixed-answer nginx upstream (Benchmarks/proxy/upstream.conf). Prints a table of requests per
# second and p50/p99 latency, the ratios against the targets (plain >= 0.9x nginx, translated >= 40%
# of gwrun's plain rate and >= 20x LiteLLM, translated with --audit-log >= 0.85x without,
# Anthropic Messages clients translated to an OpenAI provider within 20% of the other direction)
# and each proxy's resident memory after its run. The audit comparison alternates a gwrun with and one without the audit log,
# ROUNDS rounds, and prints how many records each fsync carried (group commit).
# The plain comparison alternates nginx and gwrun for ROUNDS rounds and compares the medians
# (single runs on a shared 2-core machine vary by 10% or more).
#   DURATION=10 CONNECTIONS=64 ROUNDS=3 scripts/bench-proxy.sh
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-10}
rounds=${ROUNDS:-3}
connections=${CONNECTIONS:-64}
for tool in wrk nginx; do
  command -v $tool >/dev/null || { apt-get install -y --no-install-recommends wrk nginx-light >/dev/null || exit 1; }
done
litellm_venv=.build/venv-litellm
if [ ! -x "$litellm_venv/bin/litellm" ]; then
  python3 -m venv "$litellm_venv" && "$litellm_venv/bin/pip" install -q 'litellm[proxy]' || exit 1
fi
swift build -c release --product gwc >/dev/null
swift build -c release --product gwrun >/dev/null
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/tmp"
for conf in upstream proxy; do sed "s|PREFIX|$work|g" Benchmarks/proxy/$conf.conf > "$work/$conf.conf"; done
nginx -e /dev/null -p "$work" -c "$work/upstream.conf" -g 'daemon off;' & pids+=($!)
nginx -e /dev/null -p "$work" -c "$work/proxy.conf" -g 'daemon off;' & pids+=($!)
.build/release/gwc build Benchmarks/proxy -o "$work/bench.gwt" >/dev/null
mkdir -p "$work/secrets/bench/anthropic-secret"
printf 'bench-key-not-a-secret' > "$work/secrets/bench/anthropic-secret/Authorization"
mkdir -p "$work/secrets/bench/openai-secret"
printf 'bench-openai-key-not-a-secret' > "$work/secrets/bench/openai-secret/Authorization"
.build/release/gwrun --table "$work/bench.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 \
  --port-offset 52000 --admin-port 18299 > /dev/null 2> "$work/gwrun.err" & gwrun_pid=$!; pids+=($gwrun_pid)
# The same table served by a second gwrun with the audit log on (port 8080 + 53000 = 61080).
.build/release/gwrun --table "$work/bench.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 \
  --port-offset 53000 --admin-port 18298 --audit-log "$work/audit.jsonl" > /dev/null 2> "$work/gwrun-audit.err" & pids+=($!)
# And a third with the audit log written before each answer and fsynced every 10 ms (--audit-sync-interval; port 62080).
.build/release/gwrun --table "$work/bench.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 \
  --port-offset 54000 --admin-port 18297 --audit-log "$work/audit-interval.jsonl" --audit-sync-interval 10 > /dev/null 2> "$work/gwrun-audit-interval.err" & pids+=($!)
wait_for() { for _ in $(seq 600); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "bench: $1 never answered" >&2; exit 1; }
wait_for http://127.0.0.1:18200/
wait_for http://127.0.0.1:18201/
wait_for http://127.0.0.1:18299/readyz
wait_for http://127.0.0.1:18298/readyz
wait_for http://127.0.0.1:18297/readyz
rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' /proc/$1/status; }
# Children's memory too (nginx workers; LiteLLM's worker processes).
tree_rss() { local total=0; for p in $1 $(pgrep -P "$1" || true); do total=$((total + $(awk '/VmRSS/ {print $2}' /proc/$p/status))); done; echo $((total / 1024)); }
run() {  # run NAME URL [lua]: warm up, then measure; prints one row
  local name=$1 url=$2 script=${3:-}
  local args=(-t2 -c"$connections" --latency)
  [ -n "$script" ] && args+=(-s "$script")
  wrk "${args[@]}" -d2s "$url" > /dev/null
  wrk "${args[@]}" -d"${duration}s" "$url" > "$work/$name.wrk"
  python3 scripts/lib/wrk-row.py "$name" "$work/$name.wrk" $([ "$name" = gwrun-no-upstream ] && echo --non-2xx-expected)
}
curl -sf -o /dev/null http://127.0.0.1:60080/plain || { echo "bench: gwrun does not answer /plain" >&2; exit 1; }
echo "wrk -t2 -c$connections -d${duration}s on $(nproc) cores; upstream: nginx fixed answer"
printf '%-22s %10s %9s %9s\n' proxy req/s p50-ms p99-ms
# Plain: nginx and gwrun alternately, $rounds rounds; the ratio compares the medians.
for round in $(seq "$rounds"); do
  run "nginx-plain-$round" http://127.0.0.1:18201/plain
  run "gwrun-plain-$round" http://127.0.0.1:60080/plain
done
# For scale: gwrun answering without any upstream (a 404 from the table, access log included),
# and its admin /healthz (the bare SwiftNIO HTTP path: no routing, no log); nginx itself.
run gwrun-no-upstream http://127.0.0.1:60080/no-such-route
run gwrun-admin-healthz http://127.0.0.1:18299/healthz
run nginx-upstream-direct http://127.0.0.1:18200/plain
echo "gwrun RSS after plain load: $(rss $gwrun_pid) MB; nginx proxy (master + workers): $(tree_rss "${pids[1]}") MB"
# LiteLLM starts only now, so that it idles through none of the runs above.
(cd "$work" && exec "$(cd - >/dev/null && pwd)/$litellm_venv/bin/litellm" --config "$(cd - >/dev/null && pwd)/Benchmarks/proxy/litellm.yaml" \
  --host 127.0.0.1 --port 18202 --num_workers 1 > "$work/litellm.log" 2>&1) & litellm_pid=$!; pids+=($litellm_pid)
wait_for http://127.0.0.1:18202/health/liveliness
chat='{"model":"claude-opus-4-7","max_tokens":1024,"messages":[{"role":"system","content":"You are a skilled cloud-native network engineer."},{"role":"user","content":"Write me a paragraph containing the best way to think about Istio Ambient Mesh"}]}'
# Each proxy must give the same answer before it is measured.
for url in http://127.0.0.1:60080/v1/chat/completions http://127.0.0.1:18202/v1/chat/completions; do
  answer=$(curl -s "$url" -H content-type:application/json -H 'authorization: Bearer sk-bench-7f3c9a1e5b2d4f6a8c0e1b3d5f7a9c2e' -d "$chat")
  grep -q '"Think of Istio Ambient Mesh' <<<"$answer" || { echo "bench: $url answered: $answer" >&2; cat "$work/litellm.log" >&2; exit 1; }
done
messages_answer=$(curl -s http://127.0.0.1:60080/claude/v1/messages -H content-type:application/json -H 'anthropic-version: 2023-06-01' \
  -d '{"model":"claude-opus-4-7","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}')
grep -q '"type":"message"' <<<"$messages_answer" || { echo "bench: /claude/v1/messages answered: $messages_answer" >&2; exit 1; }
run gwrun-translated http://127.0.0.1:60080/v1/chat/completions Benchmarks/proxy/chat.lua
run litellm-translated http://127.0.0.1:18202/v1/chat/completions Benchmarks/proxy/chat.lua
for round in $(seq "$rounds"); do
  run "gwrun-translated-noaudit-$round" http://127.0.0.1:60080/v1/chat/completions Benchmarks/proxy/chat.lua
  run "gwrun-translated-audit-$round" http://127.0.0.1:61080/v1/chat/completions Benchmarks/proxy/chat.lua
  run "gwrun-translated-audit10ms-$round" http://127.0.0.1:62080/v1/chat/completions Benchmarks/proxy/chat.lua
  run "gwrun-messages-$round" http://127.0.0.1:60080/claude/v1/messages Benchmarks/proxy/messages.lua
done
metrics=$(curl -s http://127.0.0.1:18298/metrics)
records=$(awk '/^gwrun_audit_records_total/ {print $2}' <<<"$metrics"); commits=$(awk '/^gwrun_audit_commits_total/ {print $2}' <<<"$metrics")
echo "audit log: $records records in $commits fsyncs ($(python3 -c "print(f'{$records / max($commits, 1):.1f}')") records per fsync); $(.build/release/gwrun audit verify "$work"/audit.jsonl* | tail -1)"
echo "audit log, 10 ms sync interval: $(.build/release/gwrun audit verify "$work"/audit-interval.jsonl* | tail -1)"
echo "gwrun RSS after translated load: $(rss $gwrun_pid) MB; LiteLLM (with its workers): $(tree_rss $litellm_pid) MB"
python3 - "$work" <<'PY'
import glob, statistics, sys
w = sys.argv[1]
def rps(pattern):
    return statistics.median(float(open(path).read()) for path in glob.glob(f"{w}/{pattern}.wrk.rps"))
r = {"nginx-plain": rps("nginx-plain-*"), "gwrun-plain": rps("gwrun-plain-*"), "gwrun-translated": rps("gwrun-translated"), "litellm-translated": rps("litellm-translated"),
     "audit": rps("gwrun-translated-audit-*"), "noaudit": rps("gwrun-translated-noaudit-*"), "messages": rps("gwrun-messages-*"), "audit10ms": rps("gwrun-translated-audit10ms-*")}
plain = r["gwrun-plain"] / r["nginx-plain"]
print(f"plain medians: nginx {r['nginx-plain']:.0f} req/s, gwrun {r['gwrun-plain']:.0f} req/s")
translated = r["gwrun-translated"] / r["litellm-translated"]
print(f"plain: gwrun/nginx = {plain:.2f}x (target >= 0.9x, issue #11) {'ok' if plain >= 0.9 else 'MISSED'}")
# The translated rounds' median (the single run right after LiteLLM starts shares the CPU with its start-up).
share = r["noaudit"] / r["gwrun-plain"]
print(f"translated: {share:.0%} of gwrun's plain rate (target >= 40%, issue #11) {'ok' if share >= 0.4 else 'MISSED'}")
print(f"translated: gwrun/LiteLLM = {translated:.1f}x (target >= 20x) {'ok' if translated >= 20 else 'MISSED'}")
audit = r["audit"] / r["noaudit"]
print(f"translated medians: without audit log {r['noaudit']:.0f} req/s, with {r['audit']:.0f} req/s")
print(f"audit log: with/without = {audit:.2f}x (target >= 0.85x) {'ok' if audit >= 0.85 else 'MISSED'}")
interval = r["audit10ms"] / r["noaudit"]
print(f"audit log written before each answer, fsynced every 10 ms: {r['audit10ms']:.0f} req/s, with/without = {interval:.2f}x (target >= 0.85x) {'ok' if interval >= 0.85 else 'MISSED'}")
both = r["messages"] / r["noaudit"]
print(f"Messages to Chat Completions {r['messages']:.0f} req/s = {both:.2f}x Chat Completions to Messages (target within 20%, issue #15) {'ok' if both >= 0.8 else 'MISSED'}")
PY
