"""Clients of scripts/e2e-openai-compatible.sh: the openai SDK against each OpenAI-compatible
provider route of testing/openai-compatible through gwrun, buffered and streamed, Responses
translated to Chat Completions for Gemini, embeddings. Prints one JSON object of what came back.

  openai_compatible_clients.py BASE_URL (http://127.0.0.1:PORT)"""
import json, sys
import openai

base = sys.argv[1]
out: dict = {}


def client(route: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{base}/{route}/v1", api_key="client-side-key-gwrun-replaces", max_retries=0)


def attempt(name, call):
    try:
        out[name] = call()
    except Exception as error:  # recorded, so the script's checks say what failed
        out[name] = {"error": f"{type(error).__name__}: {error}"}


for route in ["gemini", "azure-v1", "azure-dated", "foundry", "vertex", "custom"]:
    def chat(route=route):
        answer = client(route).chat.completions.create(model="client-model", messages=[{"role": "user", "content": "hello"}])
        return {"text": answer.choices[0].message.content[:24], "model": answer.model, "input": answer.usage.prompt_tokens}
    attempt(route, chat)


def streamed():
    pieces = list(client("vertex").chat.completions.create(
        model="client-model", messages=[{"role": "user", "content": "hello"}], stream=True, stream_options={"include_usage": True}))
    text = "".join(p.choices[0].delta.content or "" for p in pieces if p.choices)
    return {"pieces": len(pieces), "text": text[:24], "input": next((p.usage.prompt_tokens for p in pieces if p.usage), None)}


attempt("vertex-stream", streamed)


def responses():
    answer = client("gemini").responses.create(model="client-model", input="hello", instructions="Be brief.")
    return {"status": answer.status, "text": answer.output_text[:24], "input": answer.usage.input_tokens}


attempt("gemini-responses", responses)


def responses_streamed():
    events = list(client("gemini").responses.create(model="client-model", input="hello", stream=True))
    done = [e for e in events if e.type == "response.completed"]
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    return {"events": len(events), "text": deltas[:24], "completed": len(done), "input": done[0].response.usage.input_tokens if done else None}


attempt("gemini-responses-stream", responses_streamed)


def azure_responses():
    answer = client("azure-v1").responses.create(model="client-model", input="hello")
    return {"status": getattr(answer, "status", None)}


attempt("azure-responses", azure_responses)


def embeddings():
    answer = client("gemini").embeddings.create(model="client-model", input=["a", "b"])
    return {"count": len(answer.data), "dims": len(answer.data[0].embedding)}


attempt("gemini-embeddings", embeddings)
print(json.dumps(out))
