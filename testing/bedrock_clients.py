#!/usr/bin/env python3
"""The openai and anthropic SDKs through gwrun to Bedrock's Converse API (scripts/e2e-bedrock.sh,
testing/standin-bedrock.py): Chat Completions, Responses and Messages, buffered and streamed,
with tools, and Bedrock's errors in each client's shape. Prints one JSON object."""
import json, sys
import anthropic, openai

base = sys.argv[1]
oa = openai.OpenAI(base_url=base + "/v1", api_key="unused-client-key", max_retries=0)
an = anthropic.Anthropic(base_url=base, api_key="unused-client-key", max_retries=0)
an_any = anthropic.Anthropic(base_url=base + "/any", api_key="unused-client-key", max_retries=0)
oa_any = openai.OpenAI(base_url=base + "/any/v1", api_key="unused-client-key", max_retries=0)
weather = {"type": "function", "function": {"name": "get_weather", "description": "Weather for a place",
           "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}}}
result = {}

chat = oa.chat.completions.create(model="ignored", messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Write about Istio Ambient Mesh"}], max_tokens=200)
result["chat"] = {"text": chat.choices[0].message.content[:24], "finish": chat.choices[0].finish_reason, "prompt": chat.usage.prompt_tokens,
                  "completion": chat.usage.completion_tokens, "model": chat.model}
stream = oa.chat.completions.create(model="ignored", messages=[{"role": "user", "content": "Write about Istio Ambient Mesh"}], stream=True, stream_options={"include_usage": True})
pieces, finish, usage = [], None, None
for chunk in stream:
    if chunk.choices:
        if chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
        finish = chunk.choices[0].finish_reason or finish
    if chunk.usage:
        usage = chunk.usage
result["chat_stream"] = {"pieces": len(pieces), "text": "".join(pieces)[:24], "finish": finish, "prompt": usage.prompt_tokens if usage else None}
tools = oa.chat.completions.create(model="ignored", messages=[{"role": "user", "content": "Weather in Columbus?"}], tools=[weather], tool_choice="auto")
call = tools.choices[0].message.tool_calls[0]
answered = oa.chat.completions.create(model="ignored", tools=[weather], messages=[
    {"role": "user", "content": "Weather in Columbus?"}, tools.choices[0].message.model_dump(exclude_none=True),
    {"role": "tool", "tool_call_id": call.id, "content": "72F and sunny"}])
result["chat_tools"] = {"finish": tools.choices[0].finish_reason, "name": call.function.name, "arguments": json.loads(call.function.arguments),
                        "id": call.id, "then": answered.choices[0].message.content[:14]}
stream = oa.chat.completions.create(model="ignored", messages=[{"role": "user", "content": "Weather in Columbus?"}], tools=[weather], stream=True)
arguments, names = "", []
for chunk in stream:
    for delta in (chunk.choices[0].delta.tool_calls or []) if chunk.choices else []:
        if delta.function and delta.function.name:
            names.append(delta.function.name)
        if delta.function and delta.function.arguments:
            arguments += delta.function.arguments
result["chat_tools_stream"] = {"names": names, "arguments": json.loads(arguments)}

response = oa.responses.create(model="ignored", instructions="Be brief.", input="Write about Istio Ambient Mesh")
result["responses"] = {"status": response.status, "text": response.output_text[:24], "input": response.usage.input_tokens}
with oa.responses.stream(model="ignored", input="Write about Istio Ambient Mesh") as events:
    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    final = events.get_final_response()
result["responses_stream"] = {"pieces": len(deltas), "same": "".join(deltas) == final.output_text, "status": final.status}

message = an.messages.create(model="ignored", max_tokens=256, system="Be brief.", messages=[{"role": "user", "content": "Write about Istio Ambient Mesh"}])
result["messages"] = {"type": message.type, "text": message.content[0].text[:24], "stop": message.stop_reason, "input": message.usage.input_tokens,
                      "cached": message.usage.cache_read_input_tokens, "output": message.usage.output_tokens}
with an.messages.stream(model="ignored", max_tokens=256, messages=[{"role": "user", "content": "Write about Istio Ambient Mesh"}]) as stream:
    pieces = list(stream.text_stream)
    final = stream.get_final_message()
result["messages_stream"] = {"pieces": len(pieces), "same": "".join(pieces) == final.content[0].text, "stop": final.stop_reason, "output": final.usage.output_tokens}
tool_message = an.messages.create(model="ignored", max_tokens=256, tools=[{"name": "get_weather", "description": "Weather", "input_schema": weather["function"]["parameters"]}],
                                  messages=[{"role": "user", "content": "Weather in Columbus?"}])
use = next(b for b in tool_message.content if b.type == "tool_use")
result["messages_tools"] = {"stop": tool_message.stop_reason, "name": use.name, "input": use.input, "id": use.id}
with an.messages.stream(model="ignored", max_tokens=256, tools=[{"name": "get_weather", "input_schema": weather["function"]["parameters"]}],
                        messages=[{"role": "user", "content": "Weather in Columbus?"}]) as stream:
    final = stream.get_final_message()
result["messages_tools_stream"] = {"stop": final.stop_reason, "input": next(b for b in final.content if b.type == "tool_use").input}

try:
    an_any.messages.create(model="throttled", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
    result["anthropic_error"] = "none raised"
except anthropic.RateLimitError as error:
    result["anthropic_error"] = {"status": error.status_code, "type": error.body["error"]["type"], "message": error.body["error"]["message"]}
try:
    oa_any.chat.completions.create(model="throttled", messages=[{"role": "user", "content": "hi"}])
    result["openai_error"] = "none raised"
except openai.RateLimitError as error:
    result["openai_error"] = {"status": error.status_code, "message": error.body["message"] if "message" in error.body else error.body}
try:
    with an_any.messages.stream(model="cut-stream", max_tokens=10, messages=[{"role": "user", "content": "hi"}]) as stream:
        list(stream.text_stream)
    result["cut"] = "none raised"
except anthropic.APIStatusError as error:
    result["cut"] = {"raised": type(error).__name__, "message": str(error)[:120]}
except anthropic.AnthropicError as error:
    result["cut"] = {"raised": type(error).__name__, "message": str(error)[:120]}
edited = openai.OpenAI(base_url=base + "/edited/v1", api_key="unused-client-key", max_retries=0)
edited.chat.completions.create(model="ignored", top_p=0.95, max_tokens=500, messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Write about Istio Ambient Mesh"}])
anthropic.Anthropic(base_url=base + "/edited", api_key="unused-client-key", max_retries=0).messages.create(
    model="ignored", max_tokens=500, system="Be brief.", messages=[{"role": "user", "content": "Write about Istio Ambient Mesh"}])
result["edited"] = "sent"
print(json.dumps(result))
