#!/usr/bin/env bash
# Graceful shutdown: a request in flight when SIGTERM arrives still gets its answer, new
# connections are refused, and gwrun exits 0.
set -uo pipefail
cd "$(dirname "$0")/.."
swift build --product gwc >/dev/null && swift build --product gwrun >/dev/null || exit 1
work=$(mktemp -d)
cleanup() { kill "${gw_pid:-}" "${faulty_pid:-}" "${standin_pid:-}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/secrets/agentgateway-system/anthropic-secret"
printf 'fake-anthropic-key-for-local-stand-in' > "$work/secrets/agentgateway-system/anthropic-secret/Authorization"
.build/debug/gwc build testing/faults -o "$work/routes.gwt" >/dev/null || exit 1
python3 testing/faulty-upstream.py --port 18095 --delay 2 & faulty_pid=$!
.build/debug/gwrun --table "$work/routes.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 --port-offset 40000 \
  --admin-port 49901 --upstream-timeout 10 > /dev/null 2> "$work/gwrun.err" & gw_pid=$!
for _ in $(seq 50); do curl -sf 127.0.0.1:49901/readyz >/dev/null 2>&1 && break; sleep 0.1; done
# /fault/slow answers after 2 s (with a body that is valid JSON but no message: 200 or 502 both
# prove the request was answered rather than cut).
curl -s -o /dev/null -w '%{http_code}' --max-time 10 127.0.0.1:48080/fault/slow -H content-type:application/json \
  -d '{"model":"m","messages":[{"role":"user","content":"hi"}]}' > "$work/inflight" &
curl_pid=$!
sleep 0.5
kill -TERM "$gw_pid"
sleep 0.3
after=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 127.0.0.1:48080/anthropic || true)
wait "$curl_pid"
wait "$gw_pid"; exit_status=$?
inflight=$(cat "$work/inflight")
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1 ($3)"; fi; }
check "the request in flight got an answer" "[ '$inflight' != '000' ]" "got $inflight"
check "new connections are refused while draining" "[ '$after' = '000' ]" "got $after"
check "gwrun exits 0" "[ $exit_status -eq 0 ]" "exit $exit_status"
echo "shutdown: $passed passed, $failed failed"
[ $failed -eq 0 ]
