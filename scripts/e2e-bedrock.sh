#!/usr/bin/env bash
# Every client format over Amazon Bedrock (issue #15): the openai SDK (chat, streaming, tools,
# responses) and the anthropic SDK (messages, streaming, tools) through gwrun to a stand-in of
# Bedrock's Converse API (testing/standin-bedrock.py), which recomputes each request's SigV4
# signature with botocore's own signer and validates each body against botocore's Converse model.
source "$(dirname "$0")/lib/e2e-common.sh"
use_client_venvs
access=AKIDSTANDINEXAMPLE secret=standin/Secret+Key/for-local-tests-only token=standin-session-token-for-local-tests
dir="$work/secrets/agentgateway-system/aws-credentials"
mkdir -p "$dir" && printf '%s' "$access" > "$dir/accessKey" && printf '%s\n' "$secret" > "$dir/secretKey" && printf '%s' "$token" > "$dir/sessionToken"
.build/debug/gwc build testing/bedrock -o "$work/bedrock.gwt" >/dev/null || exit 1
check "gwc inspect shows the SigV4 signing and where its credentials come from" \
  "$(.build/debug/gwc inspect "$work/bedrock.gwt" | grep -c 'SigV4 for bedrock in us-east-1 with AWS credentials from Secret agentgateway-system/aws-credentials')" "3"
start "$venv/bin/python" testing/standin-bedrock.py --port 18895 --access-key "$access" --secret-key "$secret" --session-token "$token" --log "$work/bedrock.jsonl"
wait_port 18895
start .build/debug/gwrun --table "$work/bedrock.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 --port-offset 18000 \
  --admin-port 26995 >> "$work/access.log" 2>> "$work/gwrun.err"
wait_ready 26995
out=$("$venv/bin/python" testing/bedrock_clients.py http://127.0.0.1:26095 2>&1)
field() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))" "$out" "$1" 2>/dev/null || echo "unreadable: $out"; }
check "openai SDK chat: Converse's answer as a chat completion (text, finish reason, usage with the cache read in the prompt)" \
  "$(field 'd["chat"]["text"], d["chat"]["finish"], d["chat"]["prompt"], d["chat"]["completion"], d["chat"]["model"]')" \
  "('Think of Istio Ambient M', 'stop', 42, 11, 'anthropic.claude-3-5-sonnet-20240620-v1:0')"
check "openai SDK chat stream: ConverseStream's deltas as chunks, the finish reason and usage" \
  "$(field 'd["chat_stream"]["pieces"] > 5, d["chat_stream"]["text"], d["chat_stream"]["finish"], d["chat_stream"]["prompt"]')" "(True, 'Think of Istio Ambient M', 'stop', 42)"
check "openai SDK tools: Converse's toolUse as a tool call, then the tool's result answered" \
  "$(field 'd["chat_tools"]["finish"], d["chat_tools"]["name"], d["chat_tools"]["arguments"], d["chat_tools"]["id"], d["chat_tools"]["then"]')" \
  "('tool_calls', 'get_weather', {'location': 'Columbus, OH'}, 'tooluse_standin_1', 'Think of Istio')"
check "openai SDK tools, streamed: the call's name, then its arguments in pieces" "$(field 'd["chat_tools_stream"]["names"], d["chat_tools_stream"]["arguments"]')" "(['get_weather'], {'location': 'Columbus, OH'})"
check "openai SDK responses.create and responses.stream over Bedrock" \
  "$(field 'd["responses"]["status"], d["responses"]["text"], d["responses"]["input"], d["responses_stream"]["pieces"] > 5, d["responses_stream"]["same"], d["responses_stream"]["status"]')" \
  "('completed', 'Think of Istio Ambient M', 42, True, True, 'completed')"
check "anthropic SDK messages: text, stop reason, usage with the cache read apart" \
  "$(field 'd["messages"]["type"], d["messages"]["text"], d["messages"]["stop"], d["messages"]["input"], d["messages"]["cached"], d["messages"]["output"]')" \
  "('message', 'Think of Istio Ambient M', 'end_turn', 42, 10, 11)"
check "anthropic SDK messages.stream: text deltas adding up to the final message, stop reason, usage" \
  "$(field 'd["messages_stream"]["pieces"] > 5, d["messages_stream"]["same"], d["messages_stream"]["stop"], d["messages_stream"]["output"]')" "(True, True, 'end_turn', 11)"
check "anthropic SDK tools, buffered and streamed: a tool_use block with its input" \
  "$(field 'd["messages_tools"]["stop"], d["messages_tools"]["name"], d["messages_tools"]["input"], d["messages_tools_stream"]["stop"], d["messages_tools_stream"]["input"]')" \
  "('tool_use', 'get_weather', {'location': 'Columbus, OH'}, 'tool_use', {'location': 'Columbus, OH'})"
check "Bedrock's 429 ThrottlingException reaches the anthropic SDK as rate_limit_error with Bedrock's message" \
  "$(field 'd["anthropic_error"]["status"], d["anthropic_error"]["type"], d["anthropic_error"]["message"]')" "(429, 'rate_limit_error', 'Too many requests, please wait before trying again.')"
check "... and the openai SDK as its RateLimitError with the same message" "$(field 'd["openai_error"]["status"], d["openai_error"]["message"]')" "(429, 'Too many requests, please wait before trying again.')"
check "a ConverseStream cut by an exception ends the anthropic SDK's stream with an error, never as a whole answer" "$(field '"Interrupted" in d["cut"]["message"] or "interrupted" in d["cut"]["message"]')" "True"
check "every request Bedrock got was signed: botocore's SigV4Auth computed the same signature, with the session token" "$(python3 - "$work/bedrock.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
print(len(lines) >= 16, all(l["signature_ok"] and l["security_token"] for l in lines))
PY
)" "True True"
check "every body was a valid Converse request by botocore's service model; the model id in the path, encoded" "$(python3 - "$work/bedrock.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
first = lines[0]
print(all(l["validation"] is None for l in lines), first["path"], first["body"]["system"], first["body"]["inferenceConfig"]["maxTokens"])
PY
)" "True /model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse [{'text': 'Be brief.'}] 200"
check "the tool round trip reached Bedrock as toolUse then toolResult, alternating roles" "$(python3 - "$work/bedrock.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
turn = next(l["body"] for l in lines if len(l["body"]["messages"]) == 3)
print([m["role"] for m in turn["messages"]], [list(b)[0] for m in turn["messages"] for b in m["content"]], turn["toolConfig"]["tools"][0]["toolSpec"]["inputSchema"]["json"]["required"])
PY
)" "['user', 'assistant', 'user'] ['text', 'text', 'toolUse', 'toolResult'] ['location']"
check "the backend's defaults, overrides and prompt edits reached Bedrock from a Chat Completions and a Messages client, with a cache point after the system prompt" "$(python3 - "$work/bedrock.jsonl" <<'PY'
import json, sys
lines = [json.loads(l)["body"] for l in open(sys.argv[1]) if "nova" in json.loads(l)["model"]]
for body in lines:
    print(body["inferenceConfig"], [b.get("text", "cachePoint") for b in body["system"]], body["messages"][-1]["content"][-1]["text"])
PY
)" "{'maxTokens': 77, 'temperature': 0.3, 'topP': 0.95} ['Answer in French.\nBe brief.', 'cachePoint'] Reply in one line.
{'maxTokens': 77, 'temperature': 0.3, 'topP': 0.8} ['Answer in French.\nBe brief.', 'cachePoint'] Reply in one line."
check "streamed requests went to converse-stream" "$(grep -c '"operation": "converse-stream"' "$work/bedrock.jsonl")" "6"
check "no AWS secret key or session token in gwrun's logs" "$(grep -c -e "$secret" -e "$token" "$work/access.log" "$work/gwrun.err" | awk -F: '{s+=$2} END {print s}')" "0"
echo "bedrock: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
