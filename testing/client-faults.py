#!/usr/bin/env python3
"""TEST TOOLING: clients that misbehave, against a running gwrun (scripts/e2e-faults.sh).

usage: client-faults.py HOST PORT READ_TIMEOUT IDLE_TIMEOUT
Each check prints a line; the last says `client faults: N passed, N failed`.
"""
import socket, sys, time

HOST, PORT, READ_TIMEOUT, IDLE_TIMEOUT = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
results = []


def connect():
    return socket.create_connection((HOST, PORT), timeout=READ_TIMEOUT + IDLE_TIMEOUT + 5)


def read_all(sock):
    data = b""
    while True:
        try:
            piece = sock.recv(65536)
        except ConnectionResetError:
            break
        if not piece:
            break
        data += piece
    return data


def exchange(raw):
    """Sends raw bytes on a new connection; returns all that comes back until the gateway closes it."""
    sock = connect()
    sock.sendall(raw)
    return read_all(sock)


def status_of(data):
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else None


def check(name, fn):
    try:
        results.append((name, True, fn()))
    except Exception as error:
        results.append((name, False, f"{type(error).__name__}: {error}"))


def oversized_header():
    data = exchange(b"GET /anthropic/v1/models HTTP/1.1\r\nhost: x\r\nx-big: " + b"a" * (128 << 10) + b"\r\n\r\n")
    assert status_of(data) == 431, data[:80]
    return "431, connection closed"


def too_many_headers():
    data = exchange(b"GET /anthropic/v1/models HTTP/1.1\r\nhost: x\r\n" + b"".join(b"x-h%d: v\r\n" % i for i in range(200)) + b"\r\n")
    assert status_of(data) == 431, data[:80]
    return "431, connection closed"


def malformed_request():
    data = exchange(b"NOT HTTP AT ALL\r\n\r\n")
    assert status_of(data) == 400, data[:80]
    return "400, connection closed"


def slow_body():
    sock = connect()
    started = time.monotonic()
    sock.sendall(b"POST /anthropic HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"mo")
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


for name, fn in [("header over the limit", oversized_header), ("too many header fields", too_many_headers),
                 ("not HTTP", malformed_request), ("body slower than the read timeout", slow_body),
                 ("idle keep-alive connection", idle_connection), ("the gateway still serves", still_serving)]:
    check(name, fn)
for name, ok, detail in results:
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
passed = sum(1 for _, ok, _ in results if ok)
print(f"client faults: {passed} passed, {len(results) - passed} failed")
sys.exit(0 if passed == len(results) else 1)
