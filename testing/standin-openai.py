#!/usr/bin/env python3
"""A local stand-in for an OpenAI-compatible provider (POST /v1/chat/completions, buffered and
streamed in OpenAI's wire format, with the usage chunk when the request asks for it through
stream_options.include_usage). It checks the credential and what a translated request must carry,
and logs each request's body (--log) for the test to inspect. POST /v1/embeddings answers
OpenAI's embedding list. With --fail-file, while that file exists and holds a status (and
optionally a retry-after in seconds: `429 2`), every request is answered with that status in
OpenAI's error shape: a provider that is down or rate limited, for failover tests; `cut` answers a
stream's head and closes the connection before its first event. With
--any-prefix it serves the two operations under any path prefix and takes the key from Azure's
`api-key` header too, as the OpenAI-compatible endpoints of Gemini, Vertex AI and Azure do (the
log says which path, query and header each request used), and Gemini's native API
(/v1beta/models/{model}:generateContent, :streamGenerateContent?alt=sse, :countTokens, with the key
in x-goog-api-key).
usage: standin-openai.py --port 18890 --expect-key KEY [--log FILE] [--fail-file FILE] [--any-prefix]"""
import argparse, json, os, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWER = "Think of Istio Ambient Mesh as a service mesh without sidecars."


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def gemini(self, body, path, query):
        """Gemini's native API: POST /v1beta/models/{model}:generateContent, :streamGenerateContent?alt=sse
        (server-sent GenerateContentResponse chunks), :countTokens; the key in x-goog-api-key."""
        model, _, method = path[len("/v1beta/models/"):].partition(":")
        checks = []
        if self.headers.get("x-goog-api-key") != ARGS.expect_key:
            checks.append("x-goog-api-key is not the key from the Secret")
        if "authorization" in self.headers:
            checks.append("an Authorization header was sent to Gemini's native API")
        if not isinstance(body.get("contents"), list) or not all(isinstance(c.get("parts"), list) for c in body["contents"]):
            checks.append("contents is not a list of {role, parts}")
        if method == "streamGenerateContent" and query != "alt=sse":
            checks.append(f"query {query!r}, expected alt=sse")
        if ARGS.log:
            with open(ARGS.log, "a") as f:
                f.write(json.dumps({"path": path, "query": query, "method": method, "model": model, "checks_failed": checks, "body": body}) + "\n")
        if checks or method not in ("generateContent", "streamGenerateContent", "countTokens"):
            return self.send_json(400, {"error": {"code": 400, "message": "; ".join(checks) or f"unknown method {method}", "status": "INVALID_ARGUMENT"}})
        if method == "countTokens":
            return self.send_json(200, {"totalTokens": len(json.dumps(body["contents"]).split())})
        usage = {"promptTokenCount": 42, "candidatesTokenCount": len(ANSWER.split()), "totalTokenCount": 42 + len(ANSWER.split()), "cachedContentTokenCount": 10}
        def chunk(text, last):
            candidate = {"content": {"parts": [{"text": text}], "role": "model"}, "index": 0}
            if last:
                candidate["finishReason"] = "STOP"
            return {"candidates": [candidate], "usageMetadata": usage, "modelVersion": model, "responseId": "standin-gemini-1"}
        if method == "generateContent":
            return self.send_json(200, chunk(ANSWER, True))
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        words = ANSWER.split(" ")
        for i, word in enumerate(words):
            data = f"data: {json.dumps(chunk(word + ('' if i == len(words) - 1 else ' '), i == len(words) - 1))}\r\n\r\n".encode()
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)) or b"{}")
        path, _, query = self.path.partition("?")
        if ARGS.any_prefix and path.startswith("/v1beta/models/"):
            return self.gemini(body, path, query)
        bearer_ok = self.headers.get("authorization") == f"Bearer {ARGS.expect_key}"
        key_ok = bearer_ok or (ARGS.any_prefix and self.headers.get("api-key") == ARGS.expect_key)
        if ARGS.log:
            with open(ARGS.log, "a") as f:
                f.write(json.dumps({"path": self.path, "authorization_ok": bearer_ok, "api_key_ok": self.headers.get("api-key") == ARGS.expect_key,
                                    "has_authorization": "authorization" in self.headers, "x_api_key": self.headers.get("x-api-key"), "body": body}) + "\n")
        if ARGS.any_prefix:
            operation = "/v1/embeddings" if path.endswith("/embeddings") else "/v1/chat/completions" if path.endswith("/chat/completions") else path
        else:
            operation = self.path
        if ARGS.fail_file and os.path.exists(ARGS.fail_file):
            status, *retry_after = open(ARGS.fail_file).read().split()
            if status == "cut":
                # A stream's head, then the connection dropped before its first event.
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("transfer-encoding", "chunked")
                self.end_headers()
                self.wfile.flush()
                self.close_connection = True
                return
            data = json.dumps({"error": {"message": f"stand-in failing with {status}", "type": "server_error" if status != "429" else "requests"}}).encode()
            self.send_response(int(status))
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            if retry_after:
                self.send_header("retry-after", retry_after[0])
            self.end_headers()
            return self.wfile.write(data)
        if operation == "/v1/embeddings" and key_ok:
            inputs = body.get("input") if isinstance(body.get("input"), list) else [body.get("input")]
            return self.send_json(200, {"object": "list", "model": body.get("model"), "usage": {"prompt_tokens": 3 * len(inputs), "total_tokens": 3 * len(inputs)},
                                        "data": [{"object": "embedding", "index": i, "embedding": [0.25, -0.5, 0.125]} for i, _ in enumerate(inputs)]})
        if operation != "/v1/chat/completions":
            return self.send_json(404, {"error": {"message": f"no such endpoint {self.path}", "type": "invalid_request_error"}})
        if not key_ok:
            return self.send_json(401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error", "code": "invalid_api_key"}})
        if body.get("max_completion_tokens") == 1:
            return self.send_json(429, {"error": {"message": "Rate limit reached for requests", "type": "requests", "code": "rate_limit_exceeded"}})
        model = body.get("model", "gpt-4o")
        usage = {"prompt_tokens": 42, "completion_tokens": len(ANSWER.split()), "total_tokens": 42 + len(ANSWER.split()),
                 "prompt_tokens_details": {"cached_tokens": 10}}
        if not body.get("stream"):
            return self.send_json(200, {"id": "chatcmpl-standin", "object": "chat.completion", "created": int(time.time()), "model": model,
                                        "choices": [{"index": 0, "message": {"role": "assistant", "content": ANSWER}, "finish_reason": "stop"}], "usage": usage})
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()

        def chunk(payload):
            data = f"data: {payload}\n\n".encode()
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()
        base = {"id": "chatcmpl-standin", "object": "chat.completion.chunk", "created": int(time.time()), "model": model}
        chunk(json.dumps({**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]}))
        for word in ANSWER.split(" "):
            chunk(json.dumps({**base, "choices": [{"index": 0, "delta": {"content": word + " "}, "finish_reason": None}]}))
            time.sleep(0.02)
        chunk(json.dumps({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}))
        if (body.get("stream_options") or {}).get("include_usage"):
            chunk(json.dumps({**base, "choices": [], "usage": usage}))
        chunk("[DONE]")
        self.wfile.write(b"0\r\n\r\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=18890)
    parser.add_argument("--expect-key", required=True)
    parser.add_argument("--log")
    parser.add_argument("--fail-file")
    parser.add_argument("--any-prefix", action="store_true")
    ARGS = parser.parse_args()
    ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler).serve_forever()
