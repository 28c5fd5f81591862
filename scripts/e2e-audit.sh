#!/usr/bin/env bash
# The audit log end to end (testing/audit, docs/audit.md): the openai SDK from 8 threads (buffered
# and streamed) while gwrun (with --audit-sync-interval) is SIGKILLed, restarted on the same log
# (fsync before each answer) and stopped with SIGTERM; every
# request a client saw answered has its record, `gwrun audit verify` passes over the rotated files
# (a torn last line, if the kill left one, is only a warning); refusals carry the policy's verdict;
# then a line edited, deleted, swapped or inserted in a copy is each found and named.
source "$(dirname "$0")/lib/e2e-common.sh"
use_client_venvs
mkdir -p "$work/log"
.build/debug/gwc build testing/audit -o "$work/audit.gwt" >/dev/null || exit 1
start python3 testing/standin-anthropic.py --port 18690 --expect-key "$fake_key" > "$work/standin.log" 2>&1
wait_port 18690
# serve [OPTION...]: gwrun on the audit log, with extra options.
serve() {
  start .build/debug/gwrun --table "$work/audit.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 --port-offset 18000 \
    --admin-port 26991 --audit-log "$work/log/audit.jsonl" --audit-max-bytes 65536 "$@" >> "$work/access.log" 2>> "$work/gwrun.err"
  gwrun_pid=$last_pid
  wait_ready 26991
}
mkdir -p "$work/secrets/agentgateway-system/client-keys"
printf 'sk-audit-team-a-0001' > "$work/secrets/agentgateway-system/client-keys/team-a"
printf 'sk-audit-team-b-0002' > "$work/secrets/agentgateway-system/client-keys/team-b"
base=http://127.0.0.1:26087/v1
# The killed run writes each record before its answer and fsyncs later (--audit-sync-interval):
# a killed process loses nothing the kernel has; the restarted one fsyncs before each answer.
serve --audit-sync-interval 200
"$venv/bin/python" testing/audit_load.py "$base" sk-audit-team-a-0001 "$work/answered" 6 killed &
load=$!
sleep 3
kill -KILL "$gwrun_pid"; wait "$gwrun_pid" 2>/dev/null
wait $load
before_kill=$(wc -l < "$work/answered")
serve
"$venv/bin/python" testing/audit_load.py "$base" sk-audit-team-b-0002 "$work/answered" 3 restarted
refused=$(curl -s -o /dev/null -w '%{http_code}' "$base/chat/completions" -H 'content-type: application/json' -H 'x-request-id: no-key-1' \
  -d '{"model": "m", "messages": [{"role": "user", "content": "hi"}]}')
check "a request without a client key is refused" "$refused" "401"
# The route with gwc.dev/audit-content: "true": its records carry the prompt and the answer's text.
for stream in false true; do
  curl -s -o /dev/null "http://127.0.0.1:26087/recorded/v1/chat/completions" -H 'authorization: Bearer sk-audit-team-a-0001' -H 'content-type: application/json' \
    -H "x-request-id: recorded-$stream" -d "{\"model\": \"m\", \"stream\": $stream, \"messages\": [{\"role\": \"user\", \"content\": \"remember this prompt\"}]}"
done
# GenAI metrics after the load, and an upstream's failures on /readyz once the provider is gone.
curl -s 127.0.0.1:26991/metrics > "$work/metrics.txt"
check "gen_ai_client_token_usage counts input tokens by provider and model" \
  "$(grep -c '^gen_ai_client_token_usage_count{gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="claude-opus-4-7",gen_ai_token_type="input"}' "$work/metrics.txt")" "1"
check "gen_ai_server_time_to_first_token is recorded for the streams" "$(grep -c '^gen_ai_server_time_to_first_token_seconds_count' "$work/metrics.txt")" "1"
if command -v promtool >/dev/null; then
  promtool check metrics < "$work/metrics.txt" > "$work/promtool.out" 2>&1; check "promtool check metrics" "$?" "0"
fi
kill "${started_pids[0]}"; wait "${started_pids[0]}" 2>/dev/null
for _ in 1 2; do curl -s -o /dev/null "$base/chat/completions" -H 'authorization: Bearer sk-audit-team-a-0001' -H 'content-type: application/json' -d '{"model": "m", "messages": [{"role": "user", "content": "hi"}]}'; done
check "/readyz names the failing backend with its failures in a row" "$(curl -s 127.0.0.1:26991/readyz | grep -c '^backend agentgateway-system/anthropic: 2 failures in a row')" "1"
check "gwrun_upstream_consecutive_failures says 2" "$(curl -s 127.0.0.1:26991/metrics | grep '^gwrun_upstream_consecutive_failures{backend="agentgateway-system/anthropic"}' | awk '{print $2}')" "2.0"
kill -TERM "$gwrun_pid"; wait "$gwrun_pid" 2>/dev/null
total=$(wc -l < "$work/answered")
check "load ran through the kill and the restart ($before_kill answered before the kill, $total in all)" "$([ "$before_kill" -gt 20 ] && [ "$total" -gt "$before_kill" ] && echo yes)" "yes"
files=$(ls "$work/log" | wc -l)
check "the log was rotated ($files files)" "$([ "$files" -ge 3 ] && echo yes)" "yes"
.build/debug/gwrun audit verify "$work"/log/audit.jsonl* > "$work/verify.out"; code=$?
check "gwrun audit verify passes over every file" "$code" "0"
missing=$(python3 - "$work/answered" "$work"/log/audit.jsonl* <<'PY'
import json, sys
answered = set(open(sys.argv[1]).read().split())
recorded = set()
for path in sys.argv[2:]:
    for line in open(path, errors="replace"):
        try: record = json.loads(line)
        except ValueError: continue
        if record.get("type") == "request" and record.get("status") == 200: recorded.add(record.get("request_id"))
print(len(answered - recorded))
PY
)
check "every request a client saw answered has its audit record" "$missing" "0"
show=$(.build/debug/gwrun audit show --identity team-b --format json "$work"/log/audit.jsonl* | python3 -c '
import json, sys
records = [json.loads(line) for line in sys.stdin]
print(len(records) > 0 and all(r["identity"] == "team-b" and r["policies"][0]["verdict"] == "accepted api-key" for r in records))')
check "audit show --identity team-b: only team-b's records, each with its authentication verdict" "$show" "True"
refusal=$(grep -h '"request_id":"no-key-1"' "$work"/log/audit.jsonl* | python3 -c '
import json, sys
r = json.loads(sys.stdin.readline()); v = r["policies"][0]
print(r["status"], v["stage"], v["policy"], v["verdict"])')
check "the refusal is recorded with the policy's verdict" "$refusal" "401 authentication agentgateway-system/client-keys refused: no API key"
content=$(cat "$work"/log/audit.jsonl* | python3 -c '
import json, sys
records = [json.loads(line) for line in sys.stdin if line.strip().startswith("{")]
recorded = {r["request_id"]: r for r in records if r.get("request_id", "").startswith("recorded-")}
others = [r for r in records if r.get("type") == "request" and not r.get("request_id", "").startswith("recorded-")]
ok = [recorded[k]["prompt"]["messages"][0]["content"] == "remember this prompt" and "Think of Istio Ambient Mesh" in recorded[k]["completion"] for k in ("recorded-false", "recorded-true")]
print(len(recorded), ok, any("prompt" in r or "completion" in r for r in others))')
check "gwc.dev/audit-content route: prompt and answer text in the buffered and the streamed record; none in other routes' records" "$content" "2 [True, True] False"
if grep -qh 'sk-audit-team\|fake-anthropic' "$work"/log/audit.jsonl*; then fail "no credential in the audit log"; else ok "no credential in the audit log"; fi
# Tampering, each on its own copy of a rotated file: found and named.
target=$(ls "$work"/log/audit.jsonl.* | head -1)
gwrun_bin="$(pwd)/.build/debug/gwrun"
tamper() {  # tamper NAME SED-SCRIPT EXPECTED-PHRASE
  cp "$target" "$work/audit-tamper-$1"; sed -i "$2" "$work/audit-tamper-$1"
  out=$(cd "$work" && "$gwrun_bin" audit verify "audit-tamper-$1"); code=$?
  check "the $1 line is found and named" "$code:$(echo "$out" | grep -c "$3")" "1:1"
}
tamper edited '5s/"status":200/"status":201/' "audit-tamper-edited:5: error: this line was edited"
tamper deleted '5d' "audit-tamper-deleted:5: error: 1 record missing before this line"
tamper swapped '5{h;d};6{G}' "audit-tamper-swapped:5: error: this line and the next are swapped"
tamper inserted '5i {"seq":5,"prev":"00","type":"request","status":200}' "audit-tamper-inserted:5: error: this line was inserted"
echo "audit: $passed passed, $failed failed"
if [ $failed -ne 0 ]; then cat "$work/verify.out"; tail -5 "$work/gwrun.err"; fi
[ $failed -eq 0 ]
