#!/usr/bin/env bash
# AI upstream connections: a refused provider fails at once (502, not after a connect timeout);
# 30 concurrent 3-second requests to one provider are all answered in one wave (async-http-client's
# default pool of 8 made waves, and the last got 502 after 10 s); clients that go away right after
# sending are logged with 499 at once and their provider calls dropped, not run to their end.
source "$(dirname "$0")/lib/e2e-common.sh"
.build/debug/gwc build testing/faults -o "$work/routes.gwt" >/dev/null || exit 1
start python3 testing/faulty-upstream.py --port 18095 --delay 3
wait_port 18095
start .build/debug/gwrun --table "$work/routes.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 --port-offset 15000 \
  --admin-port 23901 --upstream-timeout 20 > "$work/access.log" 2> "$work/gwrun.err"
wait_ready 23901
body='{"model":"m","messages":[{"role":"user","content":"hi"}]}'
refused=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 10 127.0.0.1:23080/fault/refused -H content-type:application/json -d "$body")
if [ "${refused%% *}" = 502 ] && awk -v t="${refused#* }" 'BEGIN { exit !(t < 0.5) }'; then
  ok "refused provider: 502 after ${refused#* } s"
else
  fail "refused provider" "$refused (expected 502 in under 0.5 s)"
fi
wait_for_curls() { while [ "$(jobs -r | wc -l)" -gt 2 ]; do sleep 0.1; done; }  # the two started services keep running
# First, before any pooled connection exists: clients that leave.
for i in $(seq 20); do
  curl -s -o /dev/null --max-time 0.3 127.0.0.1:23080/fault/slow -H content-type:application/json -d "$body" &
done
# The most provider connections open at once while the clients wait (sampled until they leave).
during=0
for _ in 1 2 3 4 5; do
  sleep 0.05
  now=$(ss -tn state established '( dport = :18095 )' | tail -n +2 | wc -l)
  [ "$now" -gt "$during" ] && during=$now
done
wait_for_curls
sleep 0.5
left=$(ss -tn state established '( dport = :18095 )' | tail -n +2 | wc -l)
if [ "$during" -ge 10 ] && [ "$left" = 0 ]; then
  ok "provider connections of clients that left: $during while they waited, $left half a second after"
else
  fail "provider connections of clients that left" "$during while they waited, $left after (expected 0)"
fi
sleep 0.5
gone=$(grep -c '"status":499' "$work/access.log")
if [ "$gone" = 20 ]; then
  ok "20 clients gone after 0.3 s: 20 logged with 499 within a second (the provider takes 3 s)"
else
  fail "clients gone after 0.3 s" "$gone of 20 logged with 499 within a second"
fi
started=$(date +%s.%N)
for i in $(seq 30); do
  curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 127.0.0.1:23080/fault/slow -H content-type:application/json -d "$body" >> "$work/concurrent" &
done
wait_for_curls
took=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
answered=$(grep -cv '^502$\|^504$\|^000$' "$work/concurrent")
if [ "$answered" = 30 ] && awk -v t="$took" 'BEGIN { exit !(t < 6) }'; then
  ok "30 concurrent 3-second requests: 30 answered in $took s"
else
  fail "30 concurrent 3-second requests" "$answered answered in $took s: $(sort "$work/concurrent" | uniq -c | tr '\n' ' ')"
fi
echo "upstream: $passed passed, $failed failed"
[ $failed -eq 0 ] || { cat "$work/gwrun.err"; tail -5 "$work/access.log"; exit 1; }
