#!/usr/bin/env python3
"""TEST TOOLING, not a provider: a local stand-in for the Anthropic Messages API.

No provider is reachable from CI, so gwrun's end-to-end tests and the README's first command send
their requests here. It speaks the real wire format (POST /v1/messages, JSON or server-sent events
when "stream": true, Anthropic's error shape) and checks what it receives: the key in x-api-key,
anthropic-version, the model the backend pins, and that the system prompt arrived in `system`
(not as a message). A failed check is answered with Anthropic's 400 error, naming the check.

usage: standin-anthropic.py --port 18090 (--expect-key KEY | --expect-key-file FILE) [--expect-model M] [--expect-system TEXT | --require-system] [--log FILE]
       [--tls-cert PEM --tls-key PEM]   (serve HTTPS, as the real provider does)
       [--tls-client-ca PEM]            (and require a client certificate this CA issued: mutual TLS)
       [--sni-log FILE]                 (append the SNI of each TLS handshake, `-` for none)
       [--vertex]                       (Vertex AI: POST /v1/projects/P/locations/L/publishers/anthropic/models/M:rawPredict
                                         or :streamRawPredict, Bearer token, anthropic_version in the body, no model)
"""
import argparse, json, re, ssl, sys, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = None
ANSWER = "Think of Istio Ambient Mesh as a service mesh you opt into per namespace: a shared per-node ztunnel gives every pod mTLS and L4 policy, and a waypoint proxy adds L7 only where you ask for it."


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send_json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, kind, message):
        self.send_json(status, {"type": "error", "error": {"type": kind, "message": message}})

    def do_GET(self):
        # GET /plain stands in for a plain HTTP backend (scripts/e2e-otel.sh checks its traceparent).
        if ARGS.log:
            with open(ARGS.log, "a") as f:
                f.write(json.dumps({"path": self.path, "traceparent": self.headers.get("traceparent")}) + "\n")
        if self.path == "/plain":
            return self.send_json(200, {"plain": True})
        self.send_json(404, {"type": "error", "error": {"type": "not_found_error", "message": "stand-in serves POST /v1/messages only"}})

    def do_POST(self):
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length)
        checks = []
        vertex = re.fullmatch(r"/v1/projects/([^/]+)/locations/([^/]+)/publishers/anthropic/models/([^/:]+):(rawPredict|streamRawPredict)", self.path) if ARGS.vertex else None
        if not vertex and self.path not in ("/v1/messages", "/v1/messages/count_tokens"):
            return self.error(404, "not_found_error", f"no such endpoint {self.path}")
        try:
            body = json.loads(raw)
        except ValueError:
            return self.error(400, "invalid_request_error", "body is not JSON")
        expected = open(ARGS.expect_key_file).read().strip() if ARGS.expect_key_file else ARGS.expect_key
        if vertex:
            # Vertex AI: a bearer token, the model in the path, the version in the body.
            if self.headers.get("authorization") != f"Bearer {expected}":
                checks.append("Authorization is not the Secret's token as Bearer")
            if "model" in body:
                checks.append("the body names a model (Vertex AI takes it from the path)")
            if body.get("anthropic_version") != "vertex-2023-10-16":
                checks.append("anthropic_version is not vertex-2023-10-16")
            if (vertex.group(4) == "streamRawPredict") != bool(body.get("stream")):
                checks.append(f"{vertex.group(4)} does not match stream={body.get('stream')}")
            body["model"] = urllib.parse.unquote(vertex.group(3))
            self.path = "/v1/messages"
        elif self.headers.get("x-api-key") != expected:
            checks.append("x-api-key is not the key from the Secret")
        if not vertex and not self.headers.get("anthropic-version"):
            checks.append("anthropic-version header missing")
        if ARGS.expect_model and body.get("model") != ARGS.expect_model:
            checks.append(f"model is {body.get('model')!r}, expected the backend's {ARGS.expect_model!r}")
        if any(m.get("role") == "system" for m in body.get("messages", [])):
            checks.append("a system message was left in messages")
        if ARGS.expect_system and body.get("system") != ARGS.expect_system:
            checks.append("system prompt not moved to `system`")
        if ARGS.require_system and not body.get("system"):
            checks.append("no system prompt in `system`")
        if "max_tokens" not in body and self.path == "/v1/messages":
            checks.append("max_tokens missing")
        if ARGS.log:
            with open(ARGS.log, "a") as f:
                f.write(json.dumps({"path": vertex.group(0) if vertex else self.path, "model": body.get("model"), "system": body.get("system"),
                                    "stream": body.get("stream", False), "messages": body.get("messages"), "checks_failed": checks,
                                    "traceparent": self.headers.get("traceparent")}) + "\n")
        if checks:
            return self.error(400, "invalid_request_error", "stand-in check failed: " + "; ".join(checks))
        if self.path == "/v1/messages/count_tokens":
            # Anthropic's answer shape; the count is the words of the messages, enough for a test.
            return self.send_json(200, {"input_tokens": len(json.dumps(body.get("messages", [])).split())})
        usage = {"input_tokens": 42, "output_tokens": len(ANSWER.split())}
        if ARGS.cache_read:
            usage["cache_read_input_tokens"] = ARGS.cache_read
        # With tools offered and a question about the weather, answer with a tool call, as a model would.
        last = body.get("messages", [{}])[-1]
        asks_weather = "weather" in json.dumps(last.get("content", "")).lower() and last.get("role") == "user"
        if body.get("tools") and asks_weather:
            tool = body["tools"][0]["name"]
            content = [{"type": "tool_use", "id": "toolu_standin_1", "name": tool, "input": {"location": "Columbus, OH"}}]
            stop = "tool_use"
        else:
            content = [{"type": "text", "text": ANSWER}]
            stop = "end_turn"
        if body.get("stream"):
            # "slowly" in the question: 0.1 s between events, so a test can see chunks arrive as they are made.
            return self.stream(body, usage, content, stop, 0.1 if "slowly" in json.dumps(last.get("content", "")) else 0)
        self.send_json(200, {
            "id": "msg_standin_0001", "type": "message", "role": "assistant", "model": body["model"],
            "content": content, "stop_reason": stop, "stop_sequence": None, "usage": usage})

    def stream(self, body, usage, content, stop, delay):
        """Anthropic's event stream for the answer: text word by word, a tool call's input in two pieces."""
        events = [
            ("message_start", {"type": "message_start", "message": {"id": "msg_standin_0001", "type": "message", "role": "assistant",
                "model": body["model"], "content": [], "stop_reason": None, "stop_sequence": None,
                "usage": {**{k: v for k, v in usage.items() if k != "output_tokens"}, "output_tokens": 1}}}),
        ]
        for index, block in enumerate(content):
            if block["type"] == "tool_use":
                events.append(("content_block_start", {"type": "content_block_start", "index": index,
                               "content_block": {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}}))
                arguments = json.dumps(block["input"])
                for piece in (arguments[:len(arguments) // 2], arguments[len(arguments) // 2:]):
                    events.append(("content_block_delta", {"type": "content_block_delta", "index": index,
                                   "delta": {"type": "input_json_delta", "partial_json": piece}}))
            else:
                events.append(("content_block_start", {"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}}))
                for word in block["text"].split(" "):
                    events.append(("content_block_delta", {"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": word + " "}}))
            events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
        events += [
            ("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None}, "usage": {"output_tokens": usage["output_tokens"]}}),
            ("message_stop", {"type": "message_stop"}),
        ]
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        for name, data in events:
            chunk = f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()
            self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            self.wfile.flush()
            if delay:
                time.sleep(delay)
        self.wfile.write(b"0\r\n\r\n")


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=18090)
    parser.add_argument("--expect-key")
    parser.add_argument("--expect-key-file", help="read the expected key from this file at each request (a provider rotating keys)")
    parser.add_argument("--expect-model")
    parser.add_argument("--expect-system", help="exact text the `system` field must have")
    parser.add_argument("--require-system", action="store_true", help="every request must carry a system prompt in `system`")
    parser.add_argument("--log")
    parser.add_argument("--vertex", action="store_true", help="serve Vertex AI's rawPredict and streamRawPredict for Anthropic's models instead")
    parser.add_argument("--cache-read", type=int, help="report this many input tokens read from the prompt cache")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--tls-client-ca")
    parser.add_argument("--sni-log")
    ARGS = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    if ARGS.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(ARGS.tls_cert, ARGS.tls_key)
        if ARGS.tls_client_ca:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(ARGS.tls_client_ca)
        if ARGS.sni_log:
            def record_sni(_socket, name, _context):
                with open(ARGS.sni_log, "a") as f:
                    f.write(f"{name or '-'}\n")
            context.sni_callback = record_sni
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"stand-in Anthropic provider (test tooling) on 127.0.0.1:{ARGS.port}", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
