#!/usr/bin/env python3
"""TEST TOOLING, not a provider: a local stand-in for Amazon Bedrock's Converse API.

Bedrock is not reachable from CI, so scripts/e2e-bedrock.sh sends gwrun's requests here. It
speaks the real wire format (POST /model/{modelId}/converse with a JSON answer, /converse-stream
with an `application/vnd.amazon.eventstream` answer, Bedrock's `{"message"}` errors with
`x-amzn-ErrorType`), and it checks each request with botocore (PyPI), the AWS SDK's own code:
- the SigV4 signature is recomputed by botocore's SigV4Auth over the request as received (the
  headers the Authorization header names as signed, the body, the X-Amz-Date), with the
  credentials of --access-key/--secret-key/--session-token; a mismatch is answered with 403 as
  Bedrock would;
- the body (with the modelId from the path) is validated by botocore's ParamValidator against the
  Converse input shape of botocore's bedrock-runtime service model; a violation is a 400
  ValidationException naming it.
The event-stream encoder below is checked at start-up against botocore's own EventStreamBuffer
decoder. Model `throttled` is answered 429 ThrottlingException, `cut-stream` streams two text
deltas and an exception.

usage: standin-bedrock.py --port 18895 --access-key AK --secret-key SK [--session-token T] [--region us-east-1] [--log FILE]
"""
import argparse, base64, binascii, datetime, json, struct, sys, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.eventstream import EventStreamBuffer
from botocore.validate import ParamValidator

ARGS = None
ANSWER = "Think of Istio Ambient Mesh as a service mesh you opt into per namespace: a shared per-node ztunnel gives every pod mTLS and L4 policy, and a waypoint proxy adds L7 only where you ask for it."
CONVERSE_INPUT = botocore.session.get_session().get_service_model("bedrock-runtime").operation_model("Converse").input_shape


def event_message(headers, payload):
    """One event-stream message: prelude (lengths, CRC), string headers, payload, message CRC."""
    encoded = b""
    for name, value in headers.items():
        raw = value.encode()
        encoded += bytes([len(name)]) + name.encode() + b"\x07" + struct.pack(">H", len(raw)) + raw
    total = 12 + len(encoded) + len(payload) + 4
    prelude = struct.pack(">II", total, len(encoded))
    prelude += struct.pack(">I", binascii.crc32(prelude) & 0xFFFFFFFF)
    body = prelude + encoded + payload
    return body + struct.pack(">I", binascii.crc32(body) & 0xFFFFFFFF)


def event(kind, payload):
    return event_message({":event-type": kind, ":content-type": "application/json", ":message-type": "event"}, json.dumps(payload).encode())


def self_check():
    buffer = EventStreamBuffer()
    buffer.add_data(event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "hi"}}))
    decoded = list(buffer)
    assert decoded[0].headers[":event-type"] == "contentBlockDelta" and json.loads(decoded[0].payload)["delta"]["text"] == "hi"


def blobs_to_bytes(value):
    """Converse's JSON carries blobs (image bytes) as base64; botocore's validator wants bytes."""
    if isinstance(value, dict):
        return {k: (base64.b64decode(v) if k == "bytes" and isinstance(v, str) else blobs_to_bytes(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [blobs_to_bytes(v) for v in value]
    return value


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send_json(self, status, body, error_type=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("x-amzn-requestid", "standin-request-1")
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type)
        self.end_headers()
        self.wfile.write(data)

    def signature_problem(self, raw):
        authorization = self.headers.get("authorization") or ""
        if not authorization.startswith("AWS4-HMAC-SHA256 "):
            return "no SigV4 Authorization header"
        fields = dict(part.strip().split("=", 1) for part in authorization[len("AWS4-HMAC-SHA256 "):].split(","))
        access, day, region, service, terminal = fields["Credential"].split("/")
        if access != ARGS.access_key:
            return "the access key is not the Secret's"
        if (region, service, terminal) != (ARGS.region, "bedrock", "aws4_request"):
            return f"credential scope {region}/{service}/{terminal}, expected {ARGS.region}/bedrock/aws4_request"
        signed = fields["SignedHeaders"].split(";")
        for required in ["host", "x-amz-date"] + (["x-amz-security-token"] if ARGS.session_token else []):
            if required not in signed:
                return f"{required} is not signed"
        stamp = self.headers.get("x-amz-date") or ""
        when = datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
        if abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds()) > 300 or stamp[:8] != day:
            return "X-Amz-Date is not now, or not the credential's day"
        request = AWSRequest(method=self.command, url=f"http://{self.headers['host']}{self.path}", data=raw,
                             headers={name: self.headers[name] for name in signed})
        request.context["timestamp"] = stamp
        auth = SigV4Auth(Credentials(ARGS.access_key, ARGS.secret_key, ARGS.session_token), "bedrock", ARGS.region)
        expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
        if expected != fields["Signature"]:
            return "the signature does not match botocore's"
        return None

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        parts = self.path.split("/")
        if len(parts) != 4 or parts[1] != "model" or parts[3] not in ("converse", "converse-stream"):
            return self.send_json(404, {"message": f"no such operation {self.path}"}, "UnknownOperationException")
        model = urllib.parse.unquote(parts[2])
        entry = {"path": self.path, "model": model, "operation": parts[3], "security_token": self.headers.get("x-amz-security-token") == ARGS.session_token}
        problem = self.signature_problem(raw)
        entry["signature_ok"] = problem is None
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        entry["body"] = body
        errors = None
        if body is not None:
            report = ParamValidator().validate(dict(blobs_to_bytes(body), modelId=model), CONVERSE_INPUT)
            errors = report.generate_report() if report.has_errors() else None
        entry["validation"] = errors
        if ARGS.log:
            with open(ARGS.log, "a") as f:
                f.write(json.dumps(entry) + "\n")
        if problem:
            return self.send_json(403, {"message": f"The request signature we calculated does not match the signature you provided ({problem})"}, "InvalidSignatureException")
        if body is None or errors:
            return self.send_json(400, {"message": f"Malformed input request: {errors or 'not JSON'}"}, "ValidationException")
        if model == "throttled":
            return self.send_json(429, {"message": "Too many requests, please wait before trying again."}, "ThrottlingException")
        last = body["messages"][-1]["content"]
        wants_tool = "toolConfig" in body and not any("toolResult" in block for block in last)
        tool = body["toolConfig"]["tools"][0]["toolSpec"]["name"] if wants_tool else None
        usage = {"inputTokens": 52, "outputTokens": 11, "totalTokens": 63, "cacheReadInputTokens": 10}
        if parts[3] == "converse":
            content = [{"text": "Checking the weather."}, {"toolUse": {"toolUseId": "tooluse_standin_1", "name": tool, "input": {"location": "Columbus, OH"}}}] if tool else [{"text": ANSWER}]
            return self.send_json(200, {"output": {"message": {"role": "assistant", "content": content}}, "stopReason": "tool_use" if tool else "end_turn",
                                        "usage": usage, "metrics": {"latencyMs": 12}})
        self.send_response(200)
        self.send_header("content-type", "application/vnd.amazon.eventstream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        events = [event("messageStart", {"role": "assistant"})]
        words = ANSWER.split(" ")
        pieces = [" ".join(words[i:i + 4]) + (" " if i + 4 < len(words) else "") for i in range(0, len(words), 4)]
        if model == "cut-stream":
            events += [event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": p}}) for p in pieces[:2]]
            events.append(event_message({":message-type": "exception", ":exception-type": "modelStreamErrorException", ":content-type": "application/json"},
                                        json.dumps({"message": "The model stream was interrupted."}).encode()))
        elif tool:
            events += [event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Checking the weather."}}), event("contentBlockStop", {"contentBlockIndex": 0}),
                       event("contentBlockStart", {"contentBlockIndex": 1, "start": {"toolUse": {"toolUseId": "tooluse_standin_1", "name": tool}}}),
                       event("contentBlockDelta", {"contentBlockIndex": 1, "delta": {"toolUse": {"input": "{\"location\": "}}}),
                       event("contentBlockDelta", {"contentBlockIndex": 1, "delta": {"toolUse": {"input": "\"Columbus, OH\"}"}}}),
                       event("contentBlockStop", {"contentBlockIndex": 1}), event("messageStop", {"stopReason": "tool_use"})]
        else:
            events += [event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": p}}) for p in pieces]
            events += [event("contentBlockStop", {"contentBlockIndex": 0}), event("messageStop", {"stopReason": "end_turn"})]
        if model != "cut-stream":
            events.append(event("metadata", {"usage": usage, "metrics": {"latencyMs": 12}}))
        for message in events:
            # Split each message over two writes: gwrun must put frames back together.
            for piece in (message[:7], message[7:]):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--access-key", required=True)
    parser.add_argument("--secret-key", required=True)
    parser.add_argument("--session-token")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--log")
    ARGS = parser.parse_args()
    self_check()
    ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler).serve_forever()


if __name__ == "__main__":
    sys.exit(main())
