#!/usr/bin/env bash
# Upstream faults through gwrun: connection refused (502), reset in the middle of the answer
# (502), slower than --upstream-timeout (504), an answer that stalls half-way (504), garbage
# instead of JSON (502), a route timeout shorter than --upstream-timeout (504 at the route's
# time); and for streaming clients, a provider stream reset or stalled after its first events
# (200 already sent: the first chunk, then an OpenAI error event and no [DONE]). After each, the
# seed's request still succeeds. Then clients speaking raw HTTP/1 (testing/raw-clients.py): misbehaving
# ones, and a plain route's framing cases (chunked, HTTP/1.0, HEAD, an answer ended by a close).
source "$(dirname "$0")/lib/e2e-common.sh"
.build/debug/gwc build testing/faults -o "$work/routes.gwt" >/dev/null || exit 1
start python3 testing/standin-anthropic.py --port 18090 --expect-key "$fake_key" 2>/dev/null
wait_port 18090
start python3 testing/faulty-upstream.py --port 18095 --delay 4
wait_port 18095
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
# Plain HTTP routes (static backends, proxied on the event loop): an answer with the rule's
# response header; pipelined requests answered in order; refused (502); a rule timeout (504);
# an upstream reset half-way through a streamed answer cuts the client's connection (curl sees
# a partial transfer, never a whole answer); and the route still serves afterwards.
plain=$(curl -s -i --max-time 5 127.0.0.1:28080/plain/ok)
if grep -q '^HTTP/1.1 200' <<<"$plain" && grep -qi '^x-served-by: gwrun' <<<"$plain" && grep -q '"type":"message"' <<<"$plain"; then
  ok "plain route: 200 with the rule's response header"
else
  fail "plain route" "$plain"
fi
pipelined=$(python3 - <<'PY'
import socket
s = socket.create_connection(("127.0.0.1", 28080), timeout=5)
s.sendall(b"".join(b"GET /plain/ok?n=%d HTTP/1.1\r\nhost: x\r\n\r\n" % i for i in range(3)) + b"GET /plain/ok HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
data = b""
while True:
    piece = s.recv(65536)
    if not piece:
        break
    data += piece
print(data.count(b"HTTP/1.1 200"))
PY
)
if [ "$pipelined" = 4 ]; then ok "4 pipelined requests: 4 answers"; else fail "pipelined requests" "$pipelined answers"; fi
status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 127.0.0.1:28080/plain/refused)
if [ "$status" = 502 ]; then ok "plain route, connection refused: 502"; else fail "plain route, connection refused" "$status"; fi
timed=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 10 127.0.0.1:28080/plain/slow)
if [ "${timed%% *}" = 504 ] && awk -v t="${timed#* }" 'BEGIN { exit !(t >= 0.9 && t < 1.8) }'; then
  ok "plain route timeout 1s: 504 after ${timed#* } s"
else
  fail "plain route timeout" "$timed"
fi
# The same on a kept-alive connection after a quick answer (the connection's deadline timer stays
# armed from the first request and must still fire at the second one's own deadline).
second=$(curl -s -o /dev/null -o /dev/null -w '%{http_code} %{time_total} %{num_connects}\n' --max-time 10 127.0.0.1:28080/plain/ok 127.0.0.1:28080/plain/slow | tail -1)
read -r code took connects <<<"$second"
if [ "$code" = 504 ] && [ "$connects" = 0 ] && awk -v t="$took" 'BEGIN { exit !(t >= 0.9 && t < 1.8) }'; then
  ok "plain route timeout on a kept-alive connection after a quick answer: 504 after $took s"
else
  fail "plain route timeout on a kept-alive connection" "$second"
fi
curl -s -o /dev/null --max-time 5 127.0.0.1:28080/plain/reset; cut=$?
after=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 127.0.0.1:28080/plain/ok)
if { [ $cut = 18 ] || [ $cut = 56 ]; } && [ "$after" = 200 ]; then
  ok "plain upstream reset mid-answer: client sees a cut transfer (curl exit $cut), then 200"
else
  fail "plain upstream reset mid-answer" "curl exit $cut, then $after"
fi
# curl sends `Expect: 100-continue` before a body over 1 KiB and waits a second for the answer.
python3 -c "import json; print(json.dumps({'model': 'm', 'messages': [{'role': 'system', 'content': 's'}, {'role': 'user', 'content': 'x' * 3000}]}))" > "$work/big.json"
expect100=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 127.0.0.1:28080/anthropic -H content-type:application/json --data @"$work/big.json")
if [ "${expect100%% *}" = 200 ] && awk -v t="${expect100#* }" 'BEGIN { exit !(t < 0.5) }'; then
  ok "Expect: 100-continue answered at once: ${expect100#* } s"
else
  fail "Expect: 100-continue" "$expect100"
fi
# A second gwrun on the same ports is refused, naming the port as configured.
clash=$(.build/debug/gwrun --table "$work/routes.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 --port-offset 20000 2>&1 >/dev/null); clash_status=$?
if [ $clash_status = 1 ] && grep -q "cannot listen on 127.0.0.1:28080 (listener port 8080 + --port-offset 20000)" <<<"$clash"; then
  ok "port already in use: exit 1, $clash"
else
  fail "port already in use" "exit $clash_status: $clash"
fi
# Clients that misbehave: oversized or too many headers (431), not HTTP (400), a body slower than
# --request-read-timeout (408), an idle keep-alive connection (closed after --idle-timeout).
if python3 testing/raw-clients.py 127.0.0.1 28080 1 1; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
echo "faults: $passed passed, $failed failed"
[ $failed -eq 0 ] || { cat "$work/gwrun.err" "$work/access.log"; exit 1; }
