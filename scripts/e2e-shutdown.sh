#!/usr/bin/env bash
# Graceful shutdown: a request in flight when SIGTERM arrives still gets its answer, new
# connections are refused, and gwrun exits 0.
source "$(dirname "$0")/lib/e2e-common.sh"
.build/debug/gwc build testing/faults -o "$work/routes.gwt" >/dev/null || exit 1
start python3 testing/faulty-upstream.py --port 18095 --delay 2
wait_port 18095
start .build/debug/gwrun --table "$work/routes.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 --port-offset 14000 \
  --admin-port 22901 --upstream-timeout 10 > /dev/null 2> "$work/gwrun.err"
gw_pid=$last_pid
wait_ready 22901
# /fault/slow answers after 2 s (with a body that is valid JSON but no message: 200 or 502 both
# prove the request was answered rather than cut).
curl -s -o /dev/null -w '%{http_code}' --max-time 10 127.0.0.1:22080/fault/slow -H content-type:application/json \
  -d '{"model":"m","messages":[{"role":"user","content":"hi"}]}' > "$work/inflight" &
curl_pid=$!
sleep 0.5
kill -TERM "$gw_pid"
sleep 0.3
after=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 127.0.0.1:22080/anthropic || true)
wait "$curl_pid"
wait "$gw_pid"; exit_status=$?
inflight=$(cat "$work/inflight")
check() { if eval "$2"; then ok "$1"; else fail "$1" "$3"; fi; }
check "the request in flight got an answer" "[ '$inflight' != '000' ]" "got $inflight"
check "new connections are refused while draining" "[ '$after' = '000' ]" "got $after"
check "gwrun exits 0" "[ $exit_status -eq 0 ]" "exit $exit_status"
echo "shutdown: $passed passed, $failed failed"
[ $failed -eq 0 ]
