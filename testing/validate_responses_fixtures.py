#!/usr/bin/env python3
"""Validates gwrun's recorded Responses fixtures (Tests/GatewayRuntimeTests/Fixtures/responses/answers)
against the openai SDK's own pydantic types, strictly: each `.responses.json` as a `Response`, each
event of a `.responses.sse` as a `ResponseStreamEvent` (numbered from 0, `response.created` first,
one terminal event last) and the terminal event's response as a `Response`.
Prints `N files valid` or the first problem, and exits 1 on a problem."""
import glob, json, os, sys
from openai.types.responses import Response, ResponseStreamEvent
from pydantic import TypeAdapter

root = sys.argv[1]
events = TypeAdapter(ResponseStreamEvent)
files = sorted(glob.glob(os.path.join(root, "*.responses.json")) + glob.glob(os.path.join(root, "*.responses.sse")))
try:
    for path in files:
        name = os.path.basename(path)
        if path.endswith(".json"):
            Response.model_validate(json.load(open(path)))
            continue
        datas = [line[6:] for line in open(path).read().split("\n") if line.startswith("data: ")]
        parsed = [events.validate_python(json.loads(data)) for data in datas]
        assert [e.sequence_number for e in parsed] == list(range(len(parsed))), f"{name}: sequence numbers out of order"
        assert parsed[0].type == "response.created", f"{name}: does not start with response.created"
        assert parsed[-1].type in ("response.completed", "response.incomplete", "response.failed"), f"{name}: no terminal event last"
        Response.model_validate(json.loads(datas[-1])["response"])
except Exception as error:  # a validation error names the field
    print(f"{name}: {str(error)[:800]}")
    sys.exit(1)
print(f"{len(files)} files valid")
