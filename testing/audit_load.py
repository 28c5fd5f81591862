"""scripts/e2e-audit.sh's load: the openai SDK from 8 threads, each request with its own
x-request-id; every id answered 200 is appended to ANSWERED (one per line, flushed at once), so
that after gwrun is killed the script knows what the clients saw.

usage: audit_load.py BASE_URL KEY ANSWERED SECONDS [PREFIX]
"""
import sys, threading, time
import openai

base, key, answered_path, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
prefix = sys.argv[5] if len(sys.argv) > 5 else "load"
lock = threading.Lock()
answered = open(answered_path, "a")
stop = time.monotonic() + seconds


def worker(number):
    client = openai.OpenAI(base_url=base, api_key=key, max_retries=0, timeout=5)
    count = 0
    while time.monotonic() < stop:
        count += 1
        request_id = f"{prefix}-{number}-{count}"
        try:
            answer = client.chat.completions.create(model="claude-opus-4-7", messages=[{"role": "user", "content": "hi"}],
                                                    stream=count % 3 == 0, extra_headers={"x-request-id": request_id})
            if count % 3 == 0:
                # A stream is answered only when it ends whole (a cut one raises here).
                for _ in answer:
                    pass
        except Exception:
            continue  # gwrun was killed, or refused: not answered
        with lock:
            answered.write(request_id + "\n")
            answered.flush()


threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
for thread in threads: thread.start()
for thread in threads: thread.join()
