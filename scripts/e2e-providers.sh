#!/usr/bin/env bash
# Any client to any provider (issue #15), as far as it is built: the anthropic SDK on a Messages
# route over an OpenAI-compatible provider (testing/standin-openai.py), buffered and streamed,
# with the provider's error in Anthropic's shape; the openai SDK's Responses API and Hermes'
# codex_responses mode over an Anthropic provider (testing/standin-anthropic.py), every answer
# and event validated against the SDK's own types; Hermes' anthropic_messages mode over the
# OpenAI-compatible one; what each provider received is checked too.
source "$(dirname "$0")/lib/e2e-common.sh"
use_client_venvs
mount_openai_secret
.build/debug/gwc build testing/providers -o "$work/providers.gwt" >/dev/null || exit 1
start python3 testing/standin-openai.py --port 18890 --expect-key "$openai_key" --log "$work/upstream.jsonl"
wait_port 18890
start python3 testing/standin-anthropic.py --port 18891 --expect-key "$fake_key" --log "$work/anthropic.jsonl"
wait_port 18891
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

# Responses clients over Anthropic.
out=$("$venv/bin/python" testing/responses_clients.py http://127.0.0.1:26089/codex/v1 2>&1)
check "openai SDK responses.create, buffered: a Response the SDK's type validates, its text and usage" \
  "$(field 'd["buffered"]["status"], d["buffered"]["text"], d["buffered"]["input"], d["buffered"]["items"]')" "('completed', 'Think of Istio Ambient M', 42, ['message'])"
check "Responses stream: every event valid as the SDK's ResponseStreamEvent, numbered in order, created first and completed last" \
  "$(field 'd["raw_stream"]["first"][:2], d["raw_stream"]["last"][-1], d["raw_stream"]["deltas"] > 5, d["raw_stream"]["numbered"]')" "(['response.created', 'response.in_progress'], 'response.completed', True, True)"
check "openai SDK responses.stream helper: text deltas add up to the final response, with its usage" \
  "$(field 'd["helper_stream"]["pieces"] > 5, d["helper_stream"]["text"], d["helper_stream"]["status"], d["helper_stream"]["input"]')" "(True, True, 'completed', 42)"
check "Responses tools: a function_call item from Anthropic's tool_use, then the function_call_output answered" \
  "$(field 'd["tools"]["name"], d["tools"]["arguments"], d["tools"]["call_id"], d["tools"]["then"]')" "('get_weather', {'location': 'Columbus, OH'}, 'toolu_standin_1', 'Think of Istio')"
check "Responses tools, streamed: the call's arguments as function_call_arguments deltas" "$(field 'd["streamed_tool"]["deltas"], d["streamed_tool"]["arguments"]')" "(2, {'location': 'Columbus, OH'})"
check "previous_response_id (gwrun stores no responses) is refused with 400, never sent on without its context" "$(field 'd["refused"]["status"]')" "400"
check "Anthropic got Messages: instructions as system, the tool call and its result as tool_use and tool_result" "$(python3 - "$work/anthropic.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
second_turn = next(l for l in lines if len(l["messages"]) == 3)
print(lines[0]["system"], [b["type"] for m in second_turn["messages"] for b in m["content"]], second_turn["messages"][2]["content"][0]["content"], all(not l["checks_failed"] for l in lines))
PY
)" "Be brief. ['text', 'tool_use', 'tool_result'] 72F and sunny True"
check "openai SDK embeddings.create on the OpenAI provider's Embeddings route: the vectors, its usage" "$("$venv/bin/python" - <<'PY'
import openai
client = openai.OpenAI(base_url="http://127.0.0.1:26089/v1", api_key="unused", max_retries=0)
result = client.embeddings.create(model="text-embedding-3-small", input=["a", "b"])
print(len(result.data), result.data[1].embedding, result.usage.prompt_tokens)
PY
)" "2 [0.25, -0.5, 0.125] 6"
check "anthropic SDK messages.count_tokens on the Anthropic provider's AnthropicTokenCount route" "$("$venv/bin/python" - <<'PY'
import anthropic
client = anthropic.Anthropic(base_url="http://127.0.0.1:26089/codex", api_key="unused", max_retries=0)
print(client.messages.count_tokens(model="claude-opus-4-7", messages=[{"role": "user", "content": "count these words"}]).input_tokens > 0)
PY
)" "True"
check "the recorded Responses fixtures (Tests/.../Fixtures/responses) validate against the openai SDK's types" \
  "$("$venv/bin/python" testing/validate_responses_fixtures.py Tests/GatewayRuntimeTests/Fixtures/responses/answers 2>&1 | tail -1)" "11 files valid"
hermes_bin="$(pwd)/$hermes_venv/bin/hermes"
mkdir -p "$work/hermes"
cat > "$work/hermes/config.yaml" <<YAML
model: {provider: agentgateway, default: claude-opus-4-7}
providers:
  agentgateway: {api_mode: codex_responses, base_url: http://127.0.0.1:26089/codex/v1, api_key: sk-unused, models: [claude-opus-4-7]}
security: {allow_lazy_installs: false, tirith_enabled: false}
model_catalog: {enabled: false}
YAML
(cd "$work" && HERMES_HOME="$work/hermes" timeout 180 "$hermes_bin" -z "Say hello in five words." </dev/null > "$work/hermes.out" 2> "$work/hermes.err")
if grep -q "Ambient Mesh" "$work/hermes.out" && grep -q '"path":"/codex/v1/responses".*"status":200' "$work/access.log"; then
  ok "hermes-agent CLI in codex_responses mode: POST /responses answered from Anthropic ($(head -c 40 "$work/hermes.out"))"
else fail "hermes-agent CLI in codex_responses mode" "$(tail -n 3 "$work/hermes.out" "$work/hermes.err")"; fi
# Its anthropic_messages mode: POST {base_url}/v1/messages, streamed, with tools and X-Api-Key, on
# the route whose provider is the OpenAI-compatible stand-in (Messages translated to Chat Completions).
mkdir -p "$work/hermes-messages"
cat > "$work/hermes-messages/config.yaml" <<YAML
model: {provider: agentgateway, default: claude-opus-4-7}
providers:
  agentgateway: {api_mode: anthropic_messages, base_url: http://127.0.0.1:26089, api_key: sk-unused, models: [claude-opus-4-7]}
security: {allow_lazy_installs: false, tirith_enabled: false}
model_catalog: {enabled: false}
YAML
(cd "$work" && HERMES_HOME="$work/hermes-messages" timeout 180 "$hermes_bin" -z "Say hello in five words." </dev/null > "$work/hermes-messages.out" 2> "$work/hermes-messages.err")
if grep -q "Ambient Mesh" "$work/hermes-messages.out" && grep -q '"path":"/v1/messages".*"status":200' "$work/access.log"; then
  ok "hermes-agent CLI in anthropic_messages mode: POST /v1/messages translated to the OpenAI provider ($(head -c 40 "$work/hermes-messages.out"))"
else fail "hermes-agent CLI in anthropic_messages mode" "$(tail -n 3 "$work/hermes-messages.out" "$work/hermes-messages.err")"; fi
if grep -q "$openai_key\|$fake_key" "$work/access.log" "$work/gwrun.err"; then fail "no credential in the logs"; else ok "no credential in the logs"; fi
if [ $failed -ne 0 ]; then echo "--- client"; echo "$out"; echo "--- gwrun"; cat "$work/gwrun.err"; tail -5 "$work/access.log"; fi
echo "e2e-providers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
