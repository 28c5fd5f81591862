#!/usr/bin/env python3
"""The openai SDK's Responses API through gwrun to an Anthropic provider (scripts/e2e-providers.sh):
buffered, streamed (raw events and the SDK's `responses.stream` helper), a tool call and its
result, and a request gwrun refuses. Every answer and every streamed event is validated strictly
against the SDK's own pydantic types (`Response`, `ResponseStreamEvent`). Prints one JSON object."""
import json, sys
import urllib.request
import openai
from openai.types.responses import Response, ResponseStreamEvent
from pydantic import TypeAdapter

base = sys.argv[1]
client = openai.OpenAI(base_url=base, api_key="unused-client-key", max_retries=0)
events_type = TypeAdapter(ResponseStreamEvent)
result = {}

raw = client.responses.with_raw_response.create(model="claude-opus-4-7", instructions="Be brief.", input="Write about Istio Ambient Mesh", max_output_tokens=256)
response = Response.model_validate(json.loads(raw.text))  # strict: every field the SDK's type requires
result["buffered"] = {"status": response.status, "text": response.output_text[:24], "input": response.usage.input_tokens,
                      "output": response.usage.output_tokens, "items": [item.type for item in response.output]}

# Raw events, each validated against the SDK's union of stream events.
types, numbers = [], []
request = urllib.request.Request(base + "/responses", data=json.dumps({"model": "claude-opus-4-7", "input": "Write about Istio Ambient Mesh", "stream": True}).encode(),
                                 headers={"authorization": "Bearer unused-client-key", "content-type": "application/json"})
with urllib.request.urlopen(request, timeout=30) as stream:
    for line in (raw_line.decode().rstrip("\n") for raw_line in stream):
        if line.startswith("data: "):
            event = events_type.validate_python(json.loads(line[6:]))
            types.append(event.type)
            numbers.append(event.sequence_number)
result["raw_stream"] = {"first": types[:4], "last": types[-3:], "deltas": types.count("response.output_text.delta"), "numbered": numbers == list(range(len(numbers)))}

with client.responses.stream(model="claude-opus-4-7", input="Write about Istio Ambient Mesh") as stream:
    pieces = [event.delta for event in stream if event.type == "response.output_text.delta"]
    final = stream.get_final_response()
result["helper_stream"] = {"pieces": len(pieces), "text": "".join(pieces) == final.output_text, "status": final.status, "input": final.usage.input_tokens}

tools = [{"type": "function", "name": "get_weather", "description": "Weather for a city", "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}}]
first = client.responses.create(model="claude-opus-4-7", input="What is the weather in Columbus?", tools=tools)
call = next(item for item in first.output if item.type == "function_call")
second = client.responses.create(model="claude-opus-4-7", tools=tools, input=[
    {"role": "user", "content": "What is the weather in Columbus?"},
    {"type": "function_call", "call_id": call.call_id, "name": call.name, "arguments": call.arguments},
    {"type": "function_call_output", "call_id": call.call_id, "output": "72F and sunny"}])
result["tools"] = {"name": call.name, "arguments": json.loads(call.arguments), "call_id": call.call_id, "then": second.output_text[:14]}

with client.responses.stream(model="claude-opus-4-7", input="What is the weather in Columbus?", tools=tools) as stream:
    argument_deltas = sum(1 for event in stream if event.type == "response.function_call_arguments.delta")
    final = stream.get_final_response()
streamed_call = next(item for item in final.output if item.type == "function_call")
result["streamed_tool"] = {"deltas": argument_deltas, "arguments": json.loads(streamed_call.arguments)}

try:
    client.responses.create(model="claude-opus-4-7", input="hi", previous_response_id="resp_earlier")
    result["refused"] = "none raised"
except openai.BadRequestError as error:
    result["refused"] = {"status": error.status_code, "message": error.body["message"][:40]}
print(json.dumps(result))
