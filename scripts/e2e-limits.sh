#!/usr/bin/env bash
# gwrun at its limits: 2,000 idle connections against gwrun under a lowered descriptor limit
# (prlimit --nofile=256). With the default --max-connections (half the limit less 32: 112), a new
# client is refused with 503 at once; with a larger --max-connections, accepting runs out of
# descriptors, pauses (no busy loop) and the connections already accepted are still answered. In
# both, gwrun's CPU stays near idle, and once the idle clients leave a new client is answered.
source "$(dirname "$0")/lib/e2e-common.sh"
.build/debug/gwc build samples/hermes-anthropic-local -o "$work/routes.gwt" >/dev/null || exit 1
run_case() {  # run_case NAME EXPECT [gwrun options...]
  local name=$1 expect=$2; shift 2
  start prlimit --nofile=256:256 .build/debug/gwrun --table "$work/routes.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 \
    --port-offset 16000 --admin-port 24901 "$@" > /dev/null 2> "$work/gwrun.err"
  local pid=$last_pid
  wait_ready 24901
  echo "-- $name"
  if python3 testing/idle-clients.py 127.0.0.1 24080 2000 "$pid" "$expect"; then ok "$name"; else fail "$name"; fi
  if [ "$expect" = held ]; then
    logged=$(grep -c "cannot accept connections" "$work/gwrun.err")
    if [ "$logged" -ge 1 ] && [ "$logged" -le 2 ]; then ok "out of descriptors: logged $logged time(s), not once per attempt"; else fail "out of descriptors logged" "$logged times"; fi
  fi
  kill "$pid"; wait "$pid" 2>/dev/null
}
run_case "default --max-connections" refused
run_case "--max-connections 5000, beyond the descriptor limit" held --max-connections 5000
echo "limits: $passed passed, $failed failed"
[ $failed -eq 0 ] || { cat "$work/gwrun.err"; exit 1; }
