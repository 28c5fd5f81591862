#!/usr/bin/env python3
"""TEST TOOLING: clients speaking raw HTTP/1 to a running gwrun (scripts/e2e-faults.sh): clients
that misbehave, and the framing cases of a plain route's answer (chunked, HTTP/1.0, HEAD, an
answer ended by the upstream's close), against testing/faulty-upstream.py behind /plain.

usage: raw-clients.py HOST PORT READ_TIMEOUT IDLE_TIMEOUT
Each check prints a line; the last says `raw clients: N passed, N failed`.
"""
import socket, sys, time

HOST, PORT, READ_TIMEOUT, IDLE_TIMEOUT = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
results = []


def connect():
    return socket.create_connection((HOST, PORT), timeout=READ_TIMEOUT + IDLE_TIMEOUT + 5)


def read_all(sock):
    data = bytearray()
    while True:
        try:
            piece = sock.recv(65536)
        except ConnectionResetError:
            break
        if not piece:
            break
        data += piece
    return bytes(data)


def exchange(raw):
    """Sends raw bytes on a new connection; returns all that comes back until the gateway closes it."""
    sock = connect()
    sock.sendall(raw)
    return read_all(sock)


def status_of(data):
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else None


def split_answer(data):
    """(status line, lower-cased header lines, body) of one whole answer."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    return lines[0], [line.lower() for line in lines[1:]], body


def dechunk(body):
    data = b""
    while True:
        size, _, rest = body.partition(b"\r\n")
        size = int(size.split(b";")[0], 16)
        if size == 0:
            return data
        data += rest[:size]
        body = rest[size + 2:]


def check(name, fn):
    try:
        results.append((name, True, fn()))
    except Exception as error:
        results.append((name, False, f"{type(error).__name__}: {error}"))


def refused(raw, status):
    """Sends a request the gateway must refuse with `status`, closing the connection."""
    data = exchange(raw)
    assert status_of(data) == status, data[:80]
    return f"{status}, connection closed"


CHAT = b'{"model":"claude-opus-4-7","messages":[{"role":"system","content":"s"},{"role":"user","content":"hi"}]}'


def chunked_request_body():
    chunks = b"".join(b"%x;ext=1\r\n%s\r\n" % (len(part), part) for part in (CHAT[:10], CHAT[10:50], CHAT[50:]))
    data = exchange(b"POST /anthropic HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n"
                    b"connection: close\r\n\r\n" + chunks + b"0\r\ntrailer: t\r\n\r\n")
    assert status_of(data) == 200 and b'"choices"' in data, data[:200]
    return "200 from the provider: the body read whole and passed on dechunked"


def ambiguous_requests():
    cases = [(b"POST /plain HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n"
              b"GET /plain HTTP/1.1\r\nhost: x\r\n\r\n", 400, b"both content-length and transfer-encoding"),
             (b"GET /plain HTTP/1.1\r\nhost: x\r\nhost: y\r\n\r\n", 400, b"more than one host header"),
             (b"POST /plain HTTP/1.1\r\nhost: x\r\ntransfer-encoding: gzip, chunked\r\n\r\n", 501, b"other than chunked"),
             (b"GET /plain HTTP/1.1\r\nhost: x\r\nx-a : b\r\n\r\n", 400, b"invalid header name"),
             (b"GET /plain HTTP/2.0\r\nhost: x\r\n\r\n", 505, b"HTTP version")]
    for raw, status, reason in cases:
        data = exchange(raw)
        # One answer, naming the fault; the request smuggled behind the first one is never answered.
        assert status_of(data) == status and reason in data and data.count(b"HTTP/1.1 ") == 1, data[:200]
    # A good request before a faulty one in the same packet is answered first.
    data = exchange(b"GET /anthropic/v1/models HTTP/1.1\r\nhost: x\r\n\r\nGET /plain HTTP/1.1\r\nx : y\r\n\r\n")
    first, second = data.split(b"HTTP/1.1 ")[1:3]
    assert first.startswith(b"200") and second.startswith(b"400") and data.count(b"HTTP/1.1 ") == 2, data[:300]
    return ("both lengths 400, two hosts 400, gzip coding 501, space before a colon 400, HTTP/2.0 505; one answer each, "
            "connection closed; a good request before a faulty one: 200, then 400")


def read_timeout(partial):
    """Sends part of a request and nothing more: 408 once the read timeout has passed."""
    sock = connect()
    started = time.monotonic()
    sock.sendall(partial)
    data = read_all(sock)
    took = time.monotonic() - started
    assert status_of(data) == 408 and READ_TIMEOUT - 0.2 <= took < READ_TIMEOUT + 2, (data[:80], took)
    return f"408 after {took:.1f} s"


def idle_connection():
    sock = connect()
    sock.sendall(b"GET /anthropic/v1/models HTTP/1.1\r\nhost: x\r\n\r\n")
    first = sock.recv(65536)
    assert status_of(first) == 200, first[:80]
    started = time.monotonic()
    rest = read_all(sock)  # returns when the gateway closes the idle connection
    took = time.monotonic() - started
    assert rest == b"" and IDLE_TIMEOUT - 0.2 <= took < IDLE_TIMEOUT + 2, (rest[:80], took)
    return f"closed after {took:.1f} s idle"


def still_serving():
    data = exchange(b"GET /anthropic/v1/models HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
    assert status_of(data) == 200, data[:80]
    return "200"


PIECES = b"first piece, second piece, last piece"


def chunked_streamed():
    sock = connect()
    sock.sendall(b"GET /plain/chunked HTTP/1.1\r\nhost: x\r\n\r\n")
    data, arrivals = b"", {}
    while not data.endswith(b"\r\n0\r\n\r\n"):
        piece = sock.recv(65536)
        assert piece, data
        data += piece
        for word in (b"first piece", b"last piece"):
            if word in data and word not in arrivals:
                arrivals[word] = time.monotonic()
    status, headers, body = split_answer(data)
    assert status == b"HTTP/1.1 200 OK" and b"transfer-encoding: chunked" in headers, data[:200]
    assert dechunk(body) == PIECES, body
    gap = arrivals[b"last piece"] - arrivals[b"first piece"]
    assert gap >= 0.45, f"the pieces arrived together ({gap:.2f} s apart): the answer was not streamed"
    sock.sendall(b"GET /plain/ok HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
    assert status_of(read_all(sock)) == 200
    return f"pieces forwarded as they came ({gap:.2f} s from first to last), connection kept"


def http10_client():
    data = exchange(b"GET /plain/chunked HTTP/1.0\r\n\r\n")
    status, headers, body = split_answer(data)
    assert status == b"HTTP/1.0 200 OK", data[:200]
    assert not any(line.startswith(b"transfer-encoding") for line in headers) and b"connection: close" in headers, headers
    assert body == PIECES, body
    return "HTTP/1.0 answer, dechunked, ended by the close"


def head_request():
    sock = connect()
    sock.sendall(b"HEAD /plain/ok HTTP/1.1\r\nhost: x\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        assert piece, data
        data += piece
    status, headers, body = split_answer(data)
    assert status == b"HTTP/1.1 200 OK" and b"content-length: 31" in headers and body == b"", data
    sock.sendall(b"GET /plain/ok HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
    status, _, body = split_answer(read_all(sock))
    assert status == b"HTTP/1.1 200 OK" and body == b'{"type":"message","content":[]}', (status, body)
    return "head without body, then the next answer on the same connection"


def big_answer_slow_reader():
    """16 MiB through a client that waits before reading: gwrun must hold the upstream back (not
    buffer the whole answer) and then deliver every byte in order."""
    sock = connect()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 << 10)
    sock.sendall(b"GET /plain/big HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
    time.sleep(1)  # within the 2 s upstream timeout, which covers the whole answer
    status, headers, body = split_answer(read_all(sock))
    pattern = bytes(range(256)) * 4096
    assert status == b"HTTP/1.1 200 OK" and len(body) == 16 * len(pattern), (status, len(body))
    assert body == pattern * 16, "the bytes arrived changed or out of order"
    return "16 MiB, every byte in order"


def close_framed():
    status, headers, body = split_answer(exchange(b"GET /plain/close-framed HTTP/1.1\r\nhost: x\r\n\r\n"))
    assert status == b"HTTP/1.1 200 OK" and b"connection: close" in headers and body == b"the end is the close", (status, headers, body)
    return "whole body, then the client's connection closed"


for name, fn in [("header over the limit", lambda: refused(b"GET /anthropic/v1/models HTTP/1.1\r\nhost: x\r\nx-big: " + b"a" * (128 << 10) + b"\r\n\r\n", 431)),
                 ("too many header fields", lambda: refused(b"GET /anthropic/v1/models HTTP/1.1\r\nhost: x\r\n" + b"".join(b"x-h%d: v\r\n" % i for i in range(200)) + b"\r\n", 431)),
                 ("not HTTP", lambda: refused(b"NOT HTTP AT ALL\r\n\r\n", 400)),
                 ("requests that could be read two ways", ambiguous_requests),
                 ("chunked request body", chunked_request_body),
                 ("body slower than the read timeout", lambda: read_timeout(
                     b"POST /anthropic HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"mo")),
                 ("head slower than the read timeout", lambda: read_timeout(b"GET /plain HTTP/1.1\r\nhost: x\r\n")),  # no blank line
                 ("idle keep-alive connection", idle_connection),
                 ("plain route, chunked answer", chunked_streamed), ("plain route, HTTP/1.0 client", http10_client),
                 ("plain route, HEAD", head_request), ("plain route, answer framed by the close", close_framed),
                 ("plain route, 16 MiB to a slow reader", big_answer_slow_reader),
                 ("the gateway still serves", still_serving)]:
    check(name, fn)
for name, ok, detail in results:
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
passed = sum(1 for _, ok, _ in results if ok)
print(f"raw clients: {passed} passed, {len(results) - passed} failed")
sys.exit(0 if passed == len(results) else 1)
