#!/usr/bin/env python3
"""TEST TOOLING: holds many idle connections to gwrun and reports what a new client and gwrun's
CPU do meanwhile (scripts/e2e-limits.sh).

usage: idle-clients.py HOST PORT COUNT GWRUN_PID EXPECT
  EXPECT: "refused" (a new client gets 503 and the close), "held" (connections beyond the
  descriptor limit wait; the ones accepted still get answers).
Prints one line per check, `ok   ...` or `FAIL ...`; exits 1 on a failure.
"""
import os, socket, sys, time

host, port, count, pid, expect = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
failed = 0


def check(name, good, detail=""):
    global failed
    print(("ok   " if good else "FAIL ") + name + ("" if good else ": " + detail), flush=True)
    failed += 0 if good else 1


def cpu_seconds():
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def exchange(sock, request=b"GET /nowhere HTTP/1.1\r\nhost: x\r\n\r\n", timeout=2.0):
    sock.settimeout(timeout)
    sock.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        if not piece:
            break
        data += piece
    return data.split(b"\r\n", 1)[0].decode(errors="replace")


idle = []
for _ in range(count):
    s = socket.socket()
    s.setblocking(False)
    s.connect_ex((host, port))
    idle.append(s)
time.sleep(3.0)  # let gwrun accept what it can (and refuse the rest)
before = cpu_seconds()
time.sleep(2.0)
used = cpu_seconds() - before
check(f"gwrun's CPU with {count} idle connections open: {used / 2.0:.1%} of a core", used / 2.0 < 0.15, f"{used:.2f} s in 2 s")

if expect == "refused":
    fresh = socket.create_connection((host, port), timeout=3)
    started = time.time()
    try:
        status = exchange(fresh)
    except OSError as error:
        status = f"error {error}"
    check(f"a new client is refused cleanly: {status!r} in {time.time() - started:.2f} s", status.startswith("HTTP/1.1 503"), status)
else:
    # The first connections were accepted before the descriptors ran out: they are still served.
    answered = 0
    for s in idle[:5]:
        s.setblocking(True)
        try:
            answered += exchange(s).startswith("HTTP/1.1 404")
        except OSError:
            pass
    check(f"connections accepted before the limit are still served: {answered} of 5", answered == 5)
for s in idle:
    s.close()
time.sleep(1.0)
fresh = socket.create_connection((host, port), timeout=3)
status = exchange(fresh, timeout=3)
check(f"after the idle clients left, a new client is answered: {status!r}", status.startswith("HTTP/1.1 404"), status)
sys.exit(1 if failed else 0)
