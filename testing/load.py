#!/usr/bin/env python3
"""TEST TOOLING: keeps requests flowing through gwrun (keep-alive connections, several threads)
until a stop file appears, then prints `sent N, failed M` and the failures' statuses."""
import http.client, json, os, sys, threading, collections

host, port, stop_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
body = json.dumps({"model": "claude-opus-4-7", "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "hi"}]})
counts = collections.Counter()
lock = threading.Lock()


def worker():
    connection = http.client.HTTPConnection(host, port, timeout=10)
    while not os.path.exists(stop_file):
        try:
            connection.request("POST", "/anthropic", body, {"content-type": "application/json"})
            response = connection.getresponse()
            response.read()
            key = "ok" if response.status == 200 else f"status {response.status}"
        except Exception as error:
            key = f"error {type(error).__name__}"
            connection = http.client.HTTPConnection(host, port, timeout=10)
        with lock:
            counts[key] += 1


threads = [threading.Thread(target=worker) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
failed = sum(v for k, v in counts.items() if k != "ok")
print(f"sent {sum(counts.values())}, failed {failed} {dict(counts)}")
sys.exit(1 if failed else 0)
