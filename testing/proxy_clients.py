"""scripts/e2e-tls.sh: PROXY protocol v1 and v2 from raw sockets, as a load balancer sends them.

usage: proxy_clients.py PORT    (prints one line per case: NAME: ANSWER-STATUS or closed)
The trusted peer is 127.0.0.1 (gwrun runs with --trusted-proxies 127.0.0.1/32); the untrusted
one binds 127.0.0.2.
"""
import ipaddress, socket, struct, sys

port = int(sys.argv[1])
REQUEST = b"GET /hello HTTP/1.1\r\nHost: lb.example.test\r\nConnection: close\r\n\r\n"
SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"


def v2(source, destination, source_port=40000, destination_port=8083):
    src, dst = ipaddress.ip_address(source), ipaddress.ip_address(destination)
    family = 0x11 if src.version == 4 else 0x21
    addresses = src.packed + dst.packed + struct.pack("!HH", source_port, destination_port)
    return SIGNATURE + bytes([0x21, family]) + struct.pack("!H", len(addresses)) + addresses


def send(prefix, bind="127.0.0.1"):
    with socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(bind, 0)) as sock:
        try:
            sock.sendall(prefix + REQUEST)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        except (ConnectionResetError, BrokenPipeError):
            return "closed"
    return answer.split(b"\r\n", 1)[0].decode().split(" ")[1] if answer else "closed"


cases = [
    ("trusted v1 TCP4", b"PROXY TCP4 203.0.113.7 10.0.0.1 40000 8083\r\n", "127.0.0.1"),
    ("trusted v2 TCP6", v2("2001:db8::7", "2001:db8::1"), "127.0.0.1"),
    ("trusted v2 LOCAL (health check)", SIGNATURE + bytes([0x20, 0x00, 0, 0]), "127.0.0.1"),
    ("trusted, no header (Strict)", b"", "127.0.0.1"),
    ("trusted, malformed v1", b"PROXY TCP4 999.1.1.1 10.0.0.1 40000 8083\r\n", "127.0.0.1"),
    ("trusted, malformed v2 (version 3)", SIGNATURE + bytes([0x31, 0x11, 0, 12]) + bytes(12), "127.0.0.1"),
    ("trusted v1 from a denied client range", b"PROXY TCP4 198.51.100.9 10.0.0.1 40000 8083\r\n", "127.0.0.1"),
    ("untrusted peer claiming an address", b"PROXY TCP4 203.0.113.8 10.0.0.1 40000 8083\r\n", "127.0.0.2"),
]
for name, prefix, bind in cases:
    print(f"{name}: {send(prefix, bind)}")
