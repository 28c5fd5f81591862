#!/usr/bin/env bash
# Any client to any provider (issue #15), as far as it is built: the anthropic SDK on a Messages
# route over an OpenAI-compatible provider (testing/standin-openai.py), buffered and streamed,
# with the provider's error in Anthropic's shape; what the provider received is checked too.
source "$(dirname "$0")/lib/e2e-common.sh"
use_client_venvs
check() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "got '$2', expected '$3'"; fi; }
openai_key=fake-openai-key-for-local-stand-in
mkdir -p "$work/secrets/agentgateway-system/openai-secret"
printf '%s' "$openai_key" > "$work/secrets/agentgateway-system/openai-secret/Authorization"
.build/debug/gwc build testing/providers -o "$work/providers.gwt" >/dev/null || exit 1
start python3 testing/standin-openai.py --port 18890 --expect-key "$openai_key" --log "$work/upstream.jsonl"
wait_port 18890
start .build/debug/gwrun --table "$work/providers.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 --port-offset 18000 \
  --admin-port 26993 >> "$work/access.log" 2>> "$work/gwrun.err"
wait_ready 26993
out=$("$venv/bin/python" testing/providers_clients.py http://127.0.0.1:26089 2>&1)
field() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))" "$out" "$1" 2>/dev/null || echo "unreadable: $out"; }
check "anthropic SDK, buffered: a Messages answer from the OpenAI provider (text, stop reason, usage with the cache read apart)" \
  "$(field 'd["buffered"]["type"], d["buffered"]["text"][:24], d["buffered"]["stop"], d["buffered"]["input"], d["buffered"]["cached"]')" "('message', 'Think of Istio Ambient M', 'end_turn', 32, 10)"
check "anthropic SDK, streamed: text deltas as they come, the final message's stop reason and usage" \
  "$(field 'd["streamed"]["pieces"] > 5, d["streamed"]["text"].startswith("Think of Istio"), d["streamed"]["stop"], d["streamed"]["input"], d["streamed"]["output"]')" "(True, True, 'end_turn', 32, 11)"
check "the provider's 429 reaches the SDK as Anthropic's rate_limit_error with the provider's message" \
  "$(field 'd["error"]["status"], d["error"]["type"], d["error"]["message"]')" "(429, 'rate_limit_error', 'Rate limit reached for requests')"
check "anthropic SDK models.list and models.retrieve: the route's model, in Anthropic's list shape" "$(field 'd["models"]["ids"], d["models"]["type"], d["models"]["one"]')" "(['gpt-4o'], 'model', 'gpt-4o')"
check "the provider got Chat Completions: the system prompt first, max_completion_tokens, the backend's model, its key as Bearer, not the client's" "$(python3 - "$work/upstream.jsonl" <<'PY'
import json, sys
first = json.loads(open(sys.argv[1]).readline())
b = first["body"]
print(first["path"], b["messages"][0]["role"], b["messages"][0]["content"][0]["text"], b["max_completion_tokens"], b["model"], first["authorization_ok"], first["x_api_key"])
PY
)" "/v1/chat/completions system Be brief. 256 gpt-4o True None"
check "the streamed request asked the provider for its usage" "$(sed -n 2p "$work/upstream.jsonl" | python3 -c 'import json,sys; b=json.load(sys.stdin)["body"]; print(b["stream"], b["stream_options"]["include_usage"])')" "True True"
check "the access log has the model and tokens of each" "$(grep -c '"model":"gpt-4o".*"input_tokens":42' "$work/access.log")" "2"
if grep -q "$openai_key" "$work/access.log" "$work/gwrun.err"; then fail "no credential in the logs"; else ok "no credential in the logs"; fi
if [ $failed -ne 0 ]; then echo "--- client"; echo "$out"; echo "--- gwrun"; cat "$work/gwrun.err"; tail -5 "$work/access.log"; fi
echo "e2e-providers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
