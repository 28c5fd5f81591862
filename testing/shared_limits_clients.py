"""Clients of scripts/e2e-shared-limits.sh: requests spread over several gwrun replicas, counted
by status, with the slowest request's time (a request that hangs past Redis' deadline shows here).

  shared_limits_clients.py CASE COUNT THREADS PORT [PORT...]
CASE is `requests` or `leased` (buffered chat completions) or `tokens` (streamed, usage asked for). Prints one
JSON line: {"200": n, "429": n, ..., "slowest_ms": t}."""
import json, sys, threading, time, urllib.request, urllib.error

case, count, threads, ports = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), [int(p) for p in sys.argv[4:]]
body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hello"}]}
if case == "tokens":
    body["stream"] = True
    body["stream_options"] = {"include_usage": True}
payload = json.dumps(body).encode()
lock = threading.Lock()
statuses: dict[str, int] = {}
slowest = 0.0
next_index = 0


def one(index: int) -> None:
    global slowest
    port = ports[index % len(ports)]
    request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/chat/completions", data=payload,
                                     headers={"content-type": "application/json", "x-case": case})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()
            status = str(answer.status)
    except urllib.error.HTTPError as error:
        error.read()
        status = str(error.code)
    except Exception as error:  # a hung or reset request is a result too
        status = type(error).__name__
    elapsed = (time.monotonic() - started) * 1000
    with lock:
        statuses[status] = statuses.get(status, 0) + 1
        slowest = max(slowest, elapsed)


def worker() -> None:
    global next_index
    while True:
        with lock:
            if next_index >= count:
                return
            index = next_index
            next_index += 1
        one(index)


pool = [threading.Thread(target=worker) for _ in range(threads)]
for thread in pool:
    thread.start()
for thread in pool:
    thread.join()
print(json.dumps({**statuses, "slowest_ms": round(slowest, 1)}))
