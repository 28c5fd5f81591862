#!/usr/bin/env python3
"""TEST TOOLING: an upstream that misbehaves on purpose, by path.

Paths are matched by their end, so /plain/slow is /slow; GET works as POST does.
  /ok        200 with a small JSON body
  /garbage   200 with a body that is not JSON
  /slow      answers after --delay seconds
  /reset     sends headers and half a body, then drops the connection
  /stall     sends headers and half a body, then waits --delay seconds
  /chunked   a chunked answer in three pieces, 0.3 s apart
  /close-framed  an answer without length or chunking: its end is the connection's close
  /big       16 MiB of a repeated pattern, with its length
  /flaky     503 the first N times for a key, then 200 with the attempt count (key and N from the
             query, `?key=K&fail=N`, or the headers x-flaky-key and x-flaky-fail)
HEAD answers /ok's head without its body.
With "stream": true in the request, /reset and /stall do the same to an Anthropic event stream:
the head and the first events, then a reset or a stall.

usage: faulty-upstream.py --port 18095 [--delay 4]
"""
import argparse, json, socket, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DELAY = 4.0
FLAKY = {}  # key -> attempts seen


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send_half_answer(self):
        """Headers promising 1000 bytes, then only the start of the body."""
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", "1000")
        self.end_headers()
        self.wfile.write(b'{"id": "msg_partial", "content": [')
        self.wfile.flush()

    def send_half_stream(self):
        """An event stream's head and its first events, as a provider starts an answer."""
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        events = [{"type": "message_start", "message": {"id": "msg_partial", "type": "message", "role": "assistant", "model": "m",
                   "content": [], "usage": {"input_tokens": 5, "output_tokens": 1}}},
                  {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
                  {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "The first words"}}]
        for event in events:
            chunk = f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()
            self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        self.wfile.flush()

    def do_POST(self):
        try:
            self.answer()
        except (BrokenPipeError, ConnectionResetError):
            pass  # gwrun gave up on this answer already (its timeout), as it should

    do_GET = do_POST

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", "31")
        self.end_headers()

    def answer(self):
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        streaming = b'"stream":true' in body.replace(b" ", b"")
        if "/flaky" in self.path:
            from urllib.parse import parse_qs, urlsplit
            query = parse_qs(urlsplit(self.path).query)
            key = (query.get("key") or [self.headers.get("x-flaky-key", "")])[0]
            fail = int((query.get("fail") or [self.headers.get("x-flaky-fail", "0")])[0])
            FLAKY[key] = FLAKY.get(key, 0) + 1
            status, reply = (503, {"error": {"message": "busy", "type": "overloaded"}}) if FLAKY[key] <= fail else (200, {"ok": True, "attempts": FLAKY[key]})
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        if self.path.endswith("/slow"):
            time.sleep(DELAY)
        if self.path.endswith("/stall"):
            self.send_half_stream() if streaming else self.send_half_answer()
            time.sleep(DELAY)
            return
        if self.path.endswith("/reset"):
            self.send_half_stream() if streaming else self.send_half_answer()
            # SO_LINGER 0 then shutdown: the peer sees a reset, not a clean end.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if self.path.endswith("/chunked"):
            self.send_response(200)
            self.send_header("content-type", "text/plain")
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            for index, piece in enumerate([b"first piece, ", b"second piece, ", b"last piece"]):
                if index:
                    time.sleep(0.3)
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            return
        if self.path.endswith("/big"):
            pattern = bytes(range(256)) * 4096  # 1 MiB
            self.send_response(200)
            self.send_header("content-type", "application/octet-stream")
            self.send_header("content-length", str(16 * len(pattern)))
            self.end_headers()
            for _ in range(16):
                self.wfile.write(pattern)
            return
        if self.path.endswith("/close-framed"):
            self.wfile.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nthe end is the close")
            self.close_connection = True
            return
        body = b"<html>502 from a confused proxy</html>" if self.path.endswith("/garbage") else b'{"type":"message","content":[]}'
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    global DELAY
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=18095)
    parser.add_argument("--delay", type=float, default=4.0)
    args = parser.parse_args()
    DELAY = args.delay
    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
