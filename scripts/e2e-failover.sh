#!/usr/bin/env bash
# Failover between providers (issue #15, `ai.groups`): the primary group's provider refusing
# connections, answering 503, answering 429 with retry-after: each time the request moves to the
# fallback group with no error the client (the openai SDK, retries off) can see, and so does a
# stream the primary cuts before its first event; a failed provider is avoided for its backoff (or
# its retry-after) and used again once it has recovered.
source "$(dirname "$0")/lib/e2e-common.sh"
use_client_venvs
mount_openai_secret
.build/debug/gwc build testing/failover -o "$work/failover.gwt" >/dev/null || exit 1
start python3 testing/standin-openai.py --port 18893 --expect-key "$openai_key" --log "$work/fallback.jsonl"
wait_port 18893
start .build/debug/gwrun --table "$work/failover.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 --port-offset 18000 \
  --admin-port 26994 --audit-log "$work/audit.jsonl" >> "$work/access.log" 2>> "$work/gwrun.err"
gwrun_pid=$last_pid
wait_ready 26994
# One request through the openai SDK (no retries of its own): "status model text-start".
ask() { "$venv/bin/python" - "$1" <<'PY'
import sys, openai
client = openai.OpenAI(base_url="http://127.0.0.1:26090/v1", api_key="unused", max_retries=0)
try:
    if sys.argv[1] == "stream":
        chunks = list(client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}], stream=True))
        print(200, chunks[0].model, "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)[:13])
    else:
        answer = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
        print(200, answer.model, answer.choices[0].message.content[:13])
except openai.APIStatusError as error:
    print(error.status_code, "error", error.message[:40])
PY
}
count() { [ -f "$1" ] && wc -l < "$1" | tr -d ' ' || echo 0; }

check "the primary refusing connections: answered by the fallback, no error seen" "$(ask buffered)" "200 gpt-4o-mini Think of Isti"
check "the fallback got the request with its own pinned model" "$(tail -1 "$work/fallback.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["body"]["model"])')" "gpt-4o-mini"

start python3 testing/standin-openai.py --port 18892 --expect-key "$openai_key" --log "$work/primary.jsonl" --fail-file "$work/primary-fails"
wait_port 18892
echo 503 > "$work/primary-fails"
sleep 1.2   # the primary's first backoff (1 s) ends
check "the primary answering 503: tried, then the fallback answers, no error seen" "$(ask buffered) $(count "$work/primary.jsonl")" "200 gpt-4o-mini Think of Isti 1"
sleep 2.2   # its second backoff (2 s)
check "a stream, the primary answering 503: the fallback's stream reaches the client whole" "$(ask stream) $(count "$work/primary.jsonl")" "200 gpt-4o-mini Think of Isti 2"
echo "429 3" > "$work/primary-fails"
sleep 4.2   # its third backoff (4 s)
check "the primary answering 429 (retry-after 3): tried, then the fallback answers" "$(ask buffered) $(count "$work/primary.jsonl")" "200 gpt-4o-mini Think of Isti 3"
check "within its retry-after the primary is not tried at all" "$(ask buffered) $(count "$work/primary.jsonl")" "200 gpt-4o-mini Think of Isti 3"
rm "$work/primary-fails"
sleep 3.2   # the retry-after passes; the primary has recovered
check "after its retry-after the recovered primary answers again" "$(ask buffered) $(count "$work/primary.jsonl")" "200 gpt-4o Think of Isti 4"
check "and keeps answering (its failures forgotten)" "$(ask buffered) $(count "$work/primary.jsonl")" "200 gpt-4o Think of Isti 5"
echo cut > "$work/primary-fails"
check "a stream the primary cuts before its first event: the fallback's stream reaches the client whole" "$(ask stream) $(count "$work/primary.jsonl")" "200 gpt-4o-mini Think of Isti 6"
rm "$work/primary-fails"
sleep 1.2   # its backoff (1 s) ends
check "after its backoff the primary streams again" "$(ask stream) $(count "$work/primary.jsonl")" "200 gpt-4o Think of Isti 7"
kill -TERM "$gwrun_pid"; wait "$gwrun_pid" 2>/dev/null   # every log line written
check "the audit log names each failover: the provider and what it answered" "$(python3 - "$work/audit.jsonl" <<'PY'
import json, sys
verdicts = [v["verdict"].split(" (")[0] for line in open(sys.argv[1]) for v in json.loads(line).get("policies", []) if v.get("stage") == "failover"]
print(len(verdicts), sorted(set(verdicts)))
PY
)" "5 ['answered 429; the next provider is tried', 'answered 502; the next provider is tried', 'answered 503; the next provider is tried', 'its stream ended before its first byte']"
check "the client saw only 200s" "$(grep -c "\"status\":200" "$work/access.log") $(grep -vc "\"status\":200" "$work/access.log")" "9 0"
if grep -q "$openai_key" "$work/access.log" "$work/gwrun.err" "$work/audit.jsonl"; then fail "no credential in the logs"; else ok "no credential in the logs"; fi
if [ $failed -ne 0 ]; then echo "--- gwrun"; tail -5 "$work/gwrun.err"; tail -3 "$work/access.log"; head -c 1500 "$work/audit.jsonl"; fi
echo "e2e-failover: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
