#!/usr/bin/env python3
"""The anthropic SDK through gwrun to an OpenAI-compatible provider (scripts/e2e-providers.sh):
buffered, streamed, and an error the provider returns. Prints one JSON object."""
import json, sys
import anthropic

client = anthropic.Anthropic(base_url=sys.argv[1], api_key="unused-client-key", max_retries=0)
result = {}
message = client.messages.create(model="claude-opus-4-7", max_tokens=256, system="Be brief.",
                                 messages=[{"role": "user", "content": "Write about Istio Ambient Mesh"}])
result["buffered"] = {"type": message.type, "text": message.content[0].text, "stop": message.stop_reason,
                      "input": message.usage.input_tokens, "output": message.usage.output_tokens, "cached": message.usage.cache_read_input_tokens}
with client.messages.stream(model="claude-opus-4-7", max_tokens=256, messages=[{"role": "user", "content": "Write about Istio Ambient Mesh"}]) as stream:
    pieces = [text for text in stream.text_stream]
    final = stream.get_final_message()
result["streamed"] = {"pieces": len(pieces), "text": "".join(pieces), "stop": final.stop_reason, "input": final.usage.input_tokens, "output": final.usage.output_tokens}
try:
    client.messages.create(model="claude-opus-4-7", max_tokens=1, messages=[{"role": "user", "content": "hi"}])
    result["error"] = "none raised"
except anthropic.RateLimitError as error:
    result["error"] = {"status": error.status_code, "type": error.body["error"]["type"], "message": error.body["error"]["message"]}
models = client.models.list()
result["models"] = {"ids": [m.id for m in models.data], "type": models.data[0].type if models.data else None, "one": client.models.retrieve("gpt-4o").id}
print(json.dumps(result))
