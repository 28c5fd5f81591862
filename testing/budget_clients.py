"""Clients of scripts/e2e-shared-limits.sh's budget cases: the openai SDK, one identity's requests
going round several gwrun replicas one after another, counted by status.

  budget_clients.py API_KEY CASE COUNT PORT [PORT...]
CASE `budget-tokens` streams (usage asked for: the stream's usage is charged), `budget-cost` is
buffered. Prints one JSON line: {"200": n, "429": n, "first_refused_by": port index, "code": ...,
"type": ..., "retry_after": s, "reset": ISO time, "message": ...} (the last four of the first 429)."""
import json, sys
import openai

key, case, count, ports = sys.argv[1], sys.argv[2], int(sys.argv[3]), [int(p) for p in sys.argv[4:]]
clients = [openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key=key, max_retries=0) for port in ports]
result: dict = {}
for index in range(count):
    client = clients[index % len(clients)]
    try:
        if case == "budget-tokens":
            stream = client.chat.completions.create(
                model="gpt-4o", messages=[{"role": "user", "content": "hello"}], stream=True,
                stream_options={"include_usage": True}, extra_headers={"x-case": case})
            for _ in stream:
                pass
        else:
            client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hello"}], extra_headers={"x-case": case})
        status = "200"
    except openai.APIStatusError as error:
        status = str(error.status_code)
        if status == "429" and "code" not in result:
            body = error.body if isinstance(error.body, dict) else {}
            body = body.get("error", body)
            result.update(first_refused_by=index % len(clients), code=body.get("code"), type=body.get("type"),
                          retry_after=error.response.headers.get("retry-after"), reset=error.response.headers.get("x-budget-reset"),
                          message=body.get("message"))
    result[status] = result.get(status, 0) + 1
print(json.dumps(result))
