#!/usr/bin/env bash
# End to end: compile samples/hermes-anthropic-local, start the stand-in Anthropic provider
# (testing/, test tooling) and gwrun, then run the seed's curl request, the official openai and
# anthropic SDKs, and the real hermes-agent CLI (PyPI, isolated HERMES_HOME, lazy installs and
# outbound scanners off) through the gateway. Both processes are stopped on exit.
source "$(dirname "$0")/lib/e2e-common.sh"
use_client_venvs
.build/debug/gwc build samples/hermes-anthropic-local -o "$work/routes.gwt" >/dev/null || exit 1
start python3 testing/standin-anthropic.py --port 18090 --expect-key "$fake_key" \
  --expect-model claude-opus-4-7 --require-system --log "$work/standin.jsonl" 2>/dev/null
wait_port 18090
start .build/debug/gwrun --table "$work/routes.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 --port-offset 10000 \
  --admin-port 19901 > "$work/access.log" 2> "$work/gwrun.err"
wait_ready 19901
"$venv/bin/python" testing/e2e_clients.py http://127.0.0.1:18080 | tee "$work/clients.out"
status=${PIPESTATUS[0]}

# The real Hermes CLI with the sample's provider block, pointed at this gwrun.
mkdir -p "$work/hermes"
sed 's|http://127.0.0.1:8080/anthropic|http://127.0.0.1:18080/anthropic|' samples/hermes-anthropic-local/hermes-config.yaml > "$work/hermes/config.yaml"
cat >> "$work/hermes/config.yaml" <<'YAML'
security:
  allow_lazy_installs: false
  tirith_enabled: false
model_catalog:
  enabled: false
YAML
hermes_bin="$(pwd)/$hermes_venv/bin/hermes"
(cd "$work" && HERMES_HOME="$work/hermes" timeout 180 "$hermes_bin" -z "Say hello in five words." </dev/null > "$work/hermes.out" 2> "$work/hermes.err")
hermes_ok=0
if grep -q "Ambient Mesh" "$work/hermes.out"; then
  hermes_ok=1
  echo "ok   hermes-agent CLI: $(head -c 60 "$work/hermes.out")"
else
  echo "FAIL hermes-agent CLI: $(tail -3 "$work/hermes.out") $(tail -3 "$work/hermes.err")"
  status=1
fi
# The access log: one JSON line per request with the documented fields (written in batches:
# give the 200 ms flush its time). A request no rule matches is logged with its listener.
curl -s -o /dev/null 127.0.0.1:18080/no-such-route
sleep 0.5
access_ok=0
if python3 - "$work/access.log" <<'PY'
import json, sys
lines = [json.loads(line) for line in open(sys.argv[1])]
required = {"time", "method", "path", "listener", "status", "duration_ms", "bytes_in", "bytes_out"}
assert lines and all(required <= line.keys() for line in lines), "missing fields"
seed = [l for l in lines if l["path"] == "/anthropic" and l["status"] == 200 and l.get("input_tokens")]
assert seed and seed[0]["route"] == "agentgateway-system/claude" and seed[0]["model"] == "claude-opus-4-7", seed[:1]
unrouted = [l for l in lines if l["path"] == "/no-such-route"]
assert unrouted and unrouted[0]["status"] == 404 and unrouted[0]["listener"], unrouted
print(f"ok   access log: {len(lines)} JSON lines, the seed request's with route, model and tokens; a 404 with its listener")
PY
then access_ok=1; else echo "FAIL access log"; status=1; fi
# The metrics after this traffic, checked by Prometheus' own linter.
metrics_ok=0
curl -s 127.0.0.1:19901/metrics > "$work/metrics.txt"
if promtool check metrics < "$work/metrics.txt" > "$work/promtool.out" 2>&1 && grep -q '^gwrun_requests_total{' "$work/metrics.txt" \
   && grep -q '^gwrun_tokens_total{model="claude-opus-4-7",type="input"}' "$work/metrics.txt"; then
  metrics_ok=1
  echo "ok   /metrics passes promtool check metrics ($(grep -c '^gwrun_' "$work/metrics.txt") samples)"
else
  echo "FAIL /metrics: $(cat "$work/promtool.out")"; head -30 "$work/metrics.txt"
  status=1
fi
passed=$(grep -c '^ok ' "$work/clients.out"); failed=$(grep -c '^FAIL ' "$work/clients.out")
if [ $metrics_ok -eq 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
if [ $hermes_ok -eq 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
if [ $access_ok -eq 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
echo "e2e: $passed passed, $failed failed"
if [ $status -ne 0 ]; then echo "--- gwrun"; cat "$work/gwrun.err" "$work/access.log"; echo "--- stand-in"; cat "$work/standin.jsonl"; fi
exit $status
