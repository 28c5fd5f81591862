#!/usr/bin/env bash
# The providers that speak OpenAI's wire format at their own paths (#15): Gemini's and Vertex AI's
# OpenAI-compatible endpoints, Azure OpenAI's v1 and dated APIs, Azure AI Foundry and a custom one,
# each through gwrun to the stand-in (testing/standin-openai.py --any-prefix), with the openai SDK
# as the client. The stand-in logs what arrived: the path (and Azure's api-version query) gwc
# resolved from each provider's fields, the credential in the header the provider reads it from
# (Bearer, or Azure's api-key), the backend's model. A Responses client on Gemini (which has no
# /responses) is translated to Chat Completions and back, buffered and streamed. Vertex AI's
# Anthropic models take Messages through rawPredict (testing/standin-anthropic.py --vertex);
# Gemini's native API serves the google-genai SDK.
source "$(dirname "$0")/lib/e2e-common.sh"
use_client_venvs
mount_openai_secret
lint=$(.build/debug/gwc lint testing/openai-compatible 2>&1)
check "gwc lint: the providers' fields are all used (no GW420, no GW411)" "$(echo "$lint" | grep -cE 'GW420|GW411')" 0
.build/debug/gwc build testing/openai-compatible -o "$work/compatible.gwt" >/dev/null || exit 1
start python3 testing/standin-openai.py --port 18896 --expect-key "$openai_key" --log "$work/upstream.jsonl" --any-prefix
wait_port 18896
start python3 testing/standin-anthropic.py --port 18897 --vertex --expect-key "$openai_key" --log "$work/vertex.jsonl"
wait_port 18897
start .build/debug/gwrun --table "$work/compatible.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 --port-offset 17000 \
  --admin-port 26994 >> "$work/access.log" 2>> "$work/gwrun.err"
wait_ready 26994
out=$("$venv/bin/python" testing/openai_compatible_clients.py http://127.0.0.1:25091 2>&1)
echo "   $out"
field() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))" "$out" "$1" 2>/dev/null || echo "unreadable: $out"; }
for route in gemini azure-v1 azure-dated foundry vertex custom; do
  check "openai SDK on $route: the provider's answer and usage" "$(field "d['$route']['text'], d['$route']['input']")" "('Think of Istio Ambient M', 42)"
done
check "vertex, streamed: chunks as they come, with the usage" "$(field 'd["vertex-stream"]["pieces"] > 5, d["vertex-stream"]["text"][:14], d["vertex-stream"]["input"]')" "(True, 'Think of Istio', 42)"
check "gemini, responses.create: translated to Chat Completions and back (a Response the SDK validates)" \
  "$(field 'd["gemini-responses"]["status"], d["gemini-responses"]["text"], d["gemini-responses"]["input"]')" "('completed', 'Think of Istio Ambient M', 42)"
check "gemini, responses.create streamed: Responses events from the provider's chunks" \
  "$(field 'd["gemini-responses-stream"]["events"] > 5, d["gemini-responses-stream"]["text"][:14], d["gemini-responses-stream"]["completed"], d["gemini-responses-stream"]["input"]')" "(True, 'Think of Istio', 1, 42)"
check "gemini embeddings: the provider's list" "$(field 'd["gemini-embeddings"]["count"], d["gemini-embeddings"]["dims"]')" "(2, 3)"
seen() {  # seen N EXPR: evaluates EXPR on the stand-in's Nth logged request (r: the record, b: its body)
  python3 - "$work/upstream.jsonl" "$1" "$2" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).readlines()[int(sys.argv[2]) - 1]); b = r["body"]
print(eval(sys.argv[3]))
PY
}
check "gemini: /v1beta/openai/chat/completions, the key as Bearer, the backend's model" "$(seen 1 'r["path"], r["authorization_ok"], b["model"]')" "('/v1beta/openai/chat/completions', True, 'gemini-2.5-flash')"
check "azure v1: /openai/v1/chat/completions, the key in api-key (no Authorization), the deployment as the model" \
  "$(seen 2 'r["path"], r["api_key_ok"], r["has_authorization"], b["model"]')" "('/openai/v1/chat/completions', True, False, 'gpt-4o-team')"
check "azure with a dated api-version: the deployment's path and the api-version query" \
  "$(seen 3 'r["path"], r["api_key_ok"]')" "('/openai/deployments/gpt-4o-team/chat/completions?api-version=2024-10-21', True)"
check "azure AI Foundry: the project's v1 path" "$(seen 4 'r["path"], r["api_key_ok"], b["model"]')" "('/api/projects/agents/openai/v1/chat/completions', True, 'gpt-4.1')"
check "vertex AI: the project and region's openapi endpoint, the key as Bearer" \
  "$(seen 5 'r["path"], r["authorization_ok"], b["model"]')" "('/v1/projects/my-project/locations/europe-west4/endpoints/openapi/chat/completions', True, 'google/gemini-2.5-flash')"
check "custom: /v1/chat/completions" "$(seen 6 'r["path"], b["model"]')" "('/v1/chat/completions', 'llama-3.3-70b')"
check "streamed request asked for the usage" "$(seen 7 'b["stream"], b["stream_options"]["include_usage"]')" "(True, True)"
check "gemini responses: Chat Completions at the provider (messages, not input)" "$(seen 8 'r["path"], b["messages"][0]["role"], "input" in b')" "('/v1beta/openai/chat/completions', 'system', False)"
check "azure v1 responses: the provider's own /openai/v1/responses, not translated" "$(grep -c '"path": "/openai/v1/responses"' "$work/upstream.jsonl")" 1
check "gemini embeddings: /v1beta/openai/embeddings" "$(grep -c '"path": "/v1beta/openai/embeddings"' "$work/upstream.jsonl")" 1
aliased() { curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:25091/aliased/v1/chat/completions -H 'content-type: application/json' \
  -d "{\"model\": \"$1\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"; }
last_model() { tail -n 1 "$work/upstream.jsonl" | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["body"]["model"])'; }
check "modelAliases: the alias fast reaches the provider as llama-3.1-8b" "$(aliased fast) $(last_model)" "200 llama-3.1-8b"
check "a model that is no alias goes as it was asked" "$(aliased llama-3.2-1b) $(last_model)" "200 llama-3.2-1b"
check "models discovery lists the aliases" "$(curl -s http://127.0.0.1:25091/aliased/v1/models | python3 -c 'import json,sys; print([m["id"] for m in json.load(sys.stdin)["data"]])')" "['fast', 'smart']"
# Vertex AI's Anthropic models through rawPredict: both SDKs, buffered and streamed.
out=$("$venv/bin/python" - <<'PY' 2>&1
import json, anthropic, openai
base = "http://127.0.0.1:25091/vertex-claude"
oa = openai.OpenAI(base_url=base + "/v1", api_key="unused", max_retries=0)
an = anthropic.Anthropic(base_url=base, api_key="unused", max_retries=0)
chat = oa.chat.completions.create(model="x", messages=[{"role": "user", "content": "Write about Istio Ambient Mesh"}])
chunks = [c.choices[0].delta.content or "" for c in oa.chat.completions.create(model="x", messages=[{"role": "user", "content": "hi"}], stream=True) if c.choices]
message = an.messages.create(model="x", max_tokens=100, messages=[{"role": "user", "content": "hi"}])
with an.messages.stream(model="x", max_tokens=100, messages=[{"role": "user", "content": "hi"}]) as stream:
    streamed = "".join(stream.text_stream)
print(json.dumps({"chat": chat.choices[0].message.content[:14], "chat_stream": "".join(chunks)[:14], "message": message.content[0].text[:14],
                  "model": message.model, "stream": streamed[:14]}))
PY
)
check "vertex AI claude: the openai and anthropic SDKs, buffered and streamed, answered through rawPredict" \
  "$(field 'd["chat"], d["chat_stream"], d["message"], d["model"], d["stream"]')" "('Think of Istio', 'Think of Istio', 'Think of Istio', 'claude-sonnet-4-5@20250929', 'Think of Istio')"
check "vertex AI claude: rawPredict and streamRawPredict under the project and region, the model in the path, Bearer token, anthropic_version in the body" "$(python3 - "$work/vertex.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
print(len(lines), sorted(set(l["path"].rsplit(":", 1)[1] for l in lines)), lines[0]["path"].rsplit(":", 1)[0], all(not l["checks_failed"] for l in lines))
PY
)" "4 ['rawPredict', 'streamRawPredict'] /v1/projects/my-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5%4020250929 True"
# Gemini's native API through the google-genai SDK (generateContent, its stream, countTokens).
out=$("$venv/bin/python" - <<'PY' 2>&1
import json
from google import genai
from google.genai import types
client = genai.Client(api_key="unused-client-key", http_options=types.HttpOptions(base_url="http://127.0.0.1:25091/gemini-native"))
answer = client.models.generate_content(model="gemini-2.5-flash", contents="Write about Istio Ambient Mesh",
                                        config=types.GenerateContentConfig(system_instruction="Be brief.", temperature=0.2))
pieces = [c.text for c in client.models.generate_content_stream(model="gemini-2.5-flash", contents="hi")]
count = client.models.count_tokens(model="gemini-2.5-flash", contents="one two three")
print(json.dumps({"text": answer.text[:14], "prompt": answer.usage_metadata.prompt_token_count, "finish": answer.candidates[0].finish_reason.name,
                  "pieces": len(pieces), "streamed": "".join(pieces)[:14], "tokens": count.total_tokens > 0}))
PY
)
check "google-genai SDK: generate_content, generate_content_stream and count_tokens through Gemini's native API" \
  "$(field 'd["text"], d["prompt"], d["finish"], d["pieces"] > 5, d["streamed"], d["tokens"]')" "('Think of Istio', 42, 'STOP', True, 'Think of Istio', True)"
check "Gemini got its native requests: /v1beta/models/{model}:method (alt=sse for the stream), the key in x-goog-api-key, contents and systemInstruction as sent" "$(python3 - "$work/upstream.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if json.loads(l).get("method")]
print([(l["method"], l["query"]) for l in lines], all(not l["checks_failed"] for l in lines), lines[0]["body"]["systemInstruction"]["parts"][0]["text"], lines[0]["body"]["generationConfig"]["temperature"])
PY
)" "[('generateContent', ''), ('streamGenerateContent', 'alt=sse'), ('countTokens', '')] True Be brief. 0.2"
check "the access log has the buffered native answer's usage" "$(grep ':generateContent' "$work/access.log" | grep -c '"input_tokens":42,"output_tokens":11')" "1"
check "the access log has the streamed native answer's usage (its last chunk's usageMetadata)" "$(grep ':streamGenerateContent' "$work/access.log" | grep -c '"input_tokens":42,"output_tokens":11')" "1"
out=$("$venv/bin/python" - <<'PY' 2>&1
import json
from google import genai
client = genai.Client(api_key="unused-client-key", http_options={"base_url": "http://127.0.0.1:25091/gemini-guarded"})
answer = client.models.generate_content(model="gemini-2.5-flash", contents="Write about Istio Ambient Mesh")
streamed = "".join(c.text or "" for c in client.models.generate_content_stream(model="gemini-2.5-flash", contents="hi"))
print(json.dumps({"text": answer.text, "streamed": streamed}))
PY
)
check "a response prompt guard masks Gemini's native answer, buffered and streamed (google-genai SDK)" "$(field 'd["text"], d["streamed"]')" \
  "('Think of Istio <masked> as a service mesh without sidecars.', 'Think of Istio <masked> as a service mesh without sidecars.')"
grep -q "$openai_key" "$work/access.log" "$work/gwrun.err" && fail "the provider key appears in gwrun's logs" || ok "the provider key is in no log"
echo "openai-compatible providers: $passed passed, $failed failed"
[ $failed -eq 0 ] || { tail -n 5 "$work/gwrun.err"; exit 1; }
