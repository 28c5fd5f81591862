#!/usr/bin/env python3
"""End-to-end checks with the official clients against a running gwrun (test tooling).

usage: e2e_clients.py GATEWAY_URL     e.g. http://127.0.0.1:18080
Prints one line per check and closes with `e2e: N passed, N failed`.
"""
import json, sys, time, urllib.request

BASE = sys.argv[1]
results = []


def check(name, fn):
    try:
        detail = fn()
        results.append((name, True, detail))
    except Exception as error:  # a failed check is reported, the others still run
        results.append((name, False, f"{type(error).__name__}: {error}"))


def seed_curl():
    body = {"model": "claude-opus-4-7", "max_tokens": 1024, "messages": [
        {"role": "system", "content": "You are a skilled cloud-native network engineer."},
        {"role": "user", "content": "Write me a paragraph containing the best way to think about Istio Ambient Mesh"}]}
    request = urllib.request.Request(BASE + "/anthropic", data=json.dumps(body).encode(), headers={"content-type": "application/json"})
    answer = json.load(urllib.request.urlopen(request, timeout=30))
    text = answer["choices"][0]["message"]["content"]
    assert "Ambient" in text, answer
    assert answer["object"] == "chat.completion"
    return text[:60]


def openai_buffered():
    from openai import OpenAI
    client = OpenAI(base_url=BASE + "/anthropic", api_key="dummy")
    reply = client.chat.completions.create(model="claude-opus-4-7", messages=[
        {"role": "system", "content": "You are a skilled cloud-native network engineer."},
        {"role": "user", "content": "Say hello"}])
    assert reply.choices[0].message.content and reply.usage.total_tokens > 0, reply
    return reply.choices[0].message.content[:40]


def openai_streaming():
    from openai import OpenAI
    client = OpenAI(base_url=BASE + "/anthropic", api_key="dummy")
    stream = client.chat.completions.create(model="claude-opus-4-7", stream=True, stream_options={"include_usage": True}, messages=[
        {"role": "system", "content": "You are a skilled cloud-native network engineer."},
        {"role": "user", "content": "Say hello"}])
    text, usage, finish = "", None, None
    for chunk in stream:
        if chunk.usage:
            usage = chunk.usage
        for choice in chunk.choices:
            text += choice.delta.content or ""
            finish = choice.finish_reason or finish
    assert "Ambient" in text and usage and finish == "stop", (text, usage, finish)
    return f"{len(text)} characters, finish {finish}, {usage.total_tokens} tokens"


def openai_tools():
    from openai import OpenAI
    client = OpenAI(base_url=BASE + "/anthropic", api_key="dummy")
    tools = [{"type": "function", "function": {"name": "get_weather", "description": "Weather in a city",
              "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}}}]
    reply = client.chat.completions.create(model="claude-opus-4-7", tools=tools, messages=[
        {"role": "system", "content": "You are a skilled cloud-native network engineer."},
        {"role": "user", "content": "What is the weather in Columbus?"}])
    call = reply.choices[0].message.tool_calls[0]
    assert reply.choices[0].finish_reason == "tool_calls" and call.function.name == "get_weather", reply
    arguments = json.loads(call.function.arguments)
    # The tool result goes back as a tool message; the stand-in answers in text.
    followup = client.chat.completions.create(model="claude-opus-4-7", tools=tools, messages=[
        {"role": "system", "content": "You are a skilled cloud-native network engineer."},
        {"role": "user", "content": "What is the weather in Columbus?"},
        {"role": "assistant", "content": None, "tool_calls": [call.model_dump()]},
        {"role": "tool", "tool_call_id": call.id, "content": "21 C, sunny"}])
    assert followup.choices[0].message.content, followup
    return f"tool call {call.function.name}({arguments}), then text"


def openai_streaming_incremental():
    """Chunks reach the client as the provider makes them, not all at the end."""
    from openai import OpenAI
    client = OpenAI(base_url=BASE + "/anthropic", api_key="dummy")
    started = time.monotonic()
    stream = client.chat.completions.create(model="claude-opus-4-7", stream=True, messages=[
        {"role": "system", "content": "You are a skilled cloud-native network engineer."},
        {"role": "user", "content": "Say hello, slowly"}])
    arrivals = []
    for chunk in stream:
        for choice in chunk.choices:
            if choice.delta.content:
                arrivals.append(time.monotonic() - started)
    total = time.monotonic() - started
    assert len(arrivals) > 10 and total > 1.0, (len(arrivals), total)
    # The stand-in waits 0.1 s between events: the first word must arrive long before the last.
    assert arrivals[0] < total / 4 and arrivals[-1] - arrivals[0] > 1.0, (arrivals[0], arrivals[-1], total)
    return f"first chunk after {arrivals[0]:.2f} s, last after {arrivals[-1]:.2f} s, {len(arrivals)} chunks"


def openai_streaming_tools():
    from openai import OpenAI
    client = OpenAI(base_url=BASE + "/anthropic", api_key="dummy")
    tools = [{"type": "function", "function": {"name": "get_weather", "description": "Weather in a city",
              "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}}}]
    stream = client.chat.completions.create(model="claude-opus-4-7", tools=tools, stream=True, messages=[
        {"role": "system", "content": "You are a skilled cloud-native network engineer."},
        {"role": "user", "content": "What is the weather in Columbus?"}])
    calls, finish = {}, None
    for chunk in stream:
        for choice in chunk.choices:
            finish = choice.finish_reason or finish
            for call in choice.delta.tool_calls or []:
                entry = calls.setdefault(call.index, {"id": None, "name": None, "arguments": ""})
                entry["id"] = call.id or entry["id"]
                if call.function and call.function.name:
                    entry["name"] = call.function.name
                entry["arguments"] += (call.function.arguments or "") if call.function else ""
    assert finish == "tool_calls" and len(calls) == 1, (calls, finish)
    call = calls[0]
    assert call["name"] == "get_weather" and call["id"] and json.loads(call["arguments"]) == {"location": "Columbus, OH"}, call
    return f"tool call {call['name']}({call['arguments']}) assembled from chunks"


def anthropic_messages():
    import anthropic
    client = anthropic.Anthropic(base_url=BASE + "/anthropic", api_key="ignored-by-gateway")
    message = client.messages.create(model="claude-opus-4-7", max_tokens=256, system="You are a skilled cloud-native network engineer.",
                                     messages=[{"role": "user", "content": "Say hello"}])
    assert message.content[0].text and message.stop_reason == "end_turn", message
    return message.content[0].text[:40]


def anthropic_streaming():
    import anthropic
    client = anthropic.Anthropic(base_url=BASE + "/anthropic", api_key="ignored-by-gateway")
    with client.messages.stream(model="claude-opus-4-7", max_tokens=256, system="You are a skilled cloud-native network engineer.",
                                messages=[{"role": "user", "content": "Say hello"}]) as stream:
        text = "".join(stream.text_stream)
    assert "Ambient" in text, text
    return f"{len(text)} characters"


check("seed curl request", seed_curl)
check("openai SDK, buffered", openai_buffered)
check("openai SDK, streaming", openai_streaming)
check("openai SDK, streaming arrives incrementally", openai_streaming_incremental)
check("openai SDK, tools and tool results", openai_tools)
check("openai SDK, streaming tool call", openai_streaming_tools)
check("anthropic SDK, Messages route", anthropic_messages)
check("anthropic SDK, Messages route, streaming", anthropic_streaming)
for name, ok, detail in results:
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
passed = sum(1 for _, ok, _ in results if ok)
print(f"clients: {passed} passed, {len(results) - passed} failed")
sys.exit(0 if passed == len(results) else 1)
