#!/usr/bin/env bash
# Upstream faults through gwrun: connection refused (502), reset in the middle of the answer
# (502), slower than --upstream-timeout (504), an answer that stalls half-way (504), garbage
# instead of JSON (502), a route timeout shorter than --upstream-timeout (504 at the route's
# time); and for streaming clients, a provider stream reset or stalled after its first events
# (200 already sent: the first chunk, then an OpenAI error event and no [DONE]). After each, the
# seed's request still succeeds. Then misbehaving clients (testing/client-faults.py).
source "$(dirname "$0")/lib/e2e-common.sh"
.build/debug/gwc build testing/faults -o "$work/routes.gwt" >/dev/null || exit 1
start python3 testing/standin-anthropic.py --port 18090 --expect-key "$fake_key" 2>/dev/null
start python3 testing/faulty-upstream.py --port 18095 --delay 4
start .build/debug/gwrun --table "$work/routes.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 --port-offset 20000 \
  --admin-port 29901 --upstream-timeout 2 --request-read-timeout 1 --idle-timeout 1 > "$work/access.log" 2> "$work/gwrun.err"
wait_ready 29901
body='{"model":"claude-opus-4-7","messages":[{"role":"system","content":"s"},{"role":"user","content":"hi"}]}'
expect() {  # expect NAME PATH STATUS
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "127.0.0.1:28080$2" -H content-type:application/json -d "$body")
  local after
  after=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "127.0.0.1:28080/anthropic" -H content-type:application/json -d "$body")
  if [ "$status" = "$3" ] && [ "$after" = 200 ]; then
    ok "$1: $status, then the seed request: $after"
  else
    fail "$1: $status (expected $3), then the seed request: $after"
  fi
}
expect "connection refused" /fault/refused 502
expect "reset in the middle of the answer" /fault/reset 502
expect "slower than the upstream timeout" /fault/slow 504
expect "answer stalls half-way past the timeout" /fault/stall 504
expect "garbage instead of JSON" /fault/garbage 502
# A rule's timeouts.request (1s) applies before --upstream-timeout (2s).
seconds=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 10 127.0.0.1:28080/fault/timed -H content-type:application/json -d "$body")
if [ "${seconds%% *}" = 504 ] && awk -v t="${seconds#* }" 'BEGIN { exit !(t >= 0.9 && t < 1.8) }'; then
  ok "route timeout 1s: ${seconds%% *} after ${seconds#* } s"
else
  fail "route timeout 1s: $seconds (expected 504 after about 1 s)"
fi
stream_body='{"model":"claude-opus-4-7","stream":true,"messages":[{"role":"system","content":"s"},{"role":"user","content":"hi"}]}'
expect_stream() {  # expect_stream NAME PATH: the first chunk, then an error event, never [DONE]
  local out
  out=$(curl -s -N --max-time 10 -w '\nstatus %{http_code}' "127.0.0.1:28080$2" -H content-type:application/json -d "$stream_body")
  local after
  after=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "127.0.0.1:28080/anthropic" -H content-type:application/json -d "$body")
  if grep -q '"content":"The first words"' <<<"$out" && grep -q '^data: {"error":' <<<"$out" && ! grep -q '\[DONE\]' <<<"$out" \
     && grep -q '^status 200' <<<"$out" && [ "$after" = 200 ]; then
    ok "$1: first chunk, then an error event; then the seed request: $after"
  else
    fail "$1: $out / then the seed request: $after"
  fi
}
expect_stream "stream reset after its first events" /fault/reset
expect_stream "stream stalls past the timeout" /fault/stall
# Clients that misbehave: oversized or too many headers (431), not HTTP (400), a body slower than
# --request-read-timeout (408), an idle keep-alive connection (closed after --idle-timeout).
if python3 testing/client-faults.py 127.0.0.1 28080 1 1; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
echo "faults: $passed passed, $failed failed"
[ $failed -eq 0 ] || { cat "$work/gwrun.err" "$work/access.log"; exit 1; }
