#!/usr/bin/env python3
"""Clients for scripts/e2e-otel.sh: the openai SDK, buffered and streamed, with a W3C traceparent
of the caller's (a sampled trace the gateway must continue). Prints one JSON line per request:
{"kind", "status", "traceparent_sent"}."""
import json, sys
import openai

base, mode = sys.argv[1], sys.argv[2]
client = openai.OpenAI(base_url=base, api_key="unused", max_retries=0)
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = "00f067aa0ba902b7"
sent = f"00-{TRACE}-{PARENT}-01"
if mode == "buffered":
    answer = client.chat.completions.with_raw_response.create(
        model="claude-opus-4-7", messages=[{"role": "user", "content": "hi"}], extra_headers={"traceparent": sent, "tracestate": "vendor=1"})
    print(json.dumps({"kind": "buffered", "status": answer.status_code, "traceparent_sent": sent}))
elif mode == "streamed":
    stream = client.chat.completions.create(model="claude-opus-4-7", messages=[{"role": "user", "content": "hi"}], stream=True,
                                            stream_options={"include_usage": True}, extra_headers={"traceparent": f"00-{'a' * 32}-{'b' * 16}-01"})
    pieces = [chunk for chunk in stream]
    print(json.dumps({"kind": "streamed", "status": 200 if pieces else 0, "traceparent_sent": f"00-{'a' * 32}-{'b' * 16}-01"}))
