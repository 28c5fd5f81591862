#!/usr/bin/env python3
"""Policy checks with the official clients against a gwrun serving samples/policies (test tooling).

usage: e2e_policies.py GATEWAY_URL     e.g. http://127.0.0.1:26080
Prints one line per check (`ok NAME: detail` or `FAIL NAME: why`).
"""
import base64, json, os, subprocess, sys, time, urllib.error, urllib.request

BASE = sys.argv[1]
TEAM_A, TEAM_B = "sk-team-a-0001", "sk-team-b-0002"
MESSAGES = [{"role": "system", "content": "You are a skilled cloud-native network engineer."}, {"role": "user", "content": "Say hello"}]
failures = 0


def check(name, fn):
    global failures
    try:
        print(f"ok   {name}: {fn()}", flush=True)
    except Exception as error:  # a failed check is reported, the others still run
        failures += 1
        print(f"FAIL {name}: {type(error).__name__}: {error}", flush=True)


def raw(path, headers=None, data=None):
    """(status, headers, body) of one request, without raising on 4xx."""
    request = urllib.request.Request(BASE + path, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def openai_with_key(key):
    from openai import OpenAI
    return OpenAI(base_url=BASE + "/keyed", api_key=key, max_retries=0)


def openai_accepted():
    reply = openai_with_key(TEAM_A).chat.completions.create(model="claude-opus-4-7", messages=MESSAGES)
    assert reply.choices[0].message.content, reply
    reply = openai_with_key(TEAM_B).chat.completions.create(model="claude-opus-4-7", messages=MESSAGES)  # a keyHash entry
    return "team-a (raw key) and team-b (sha256 keyHash) get answers"


def openai_refused(key):
    import openai
    try:
        openai_with_key(key).chat.completions.create(model="claude-opus-4-7", messages=MESSAGES)
    except openai.AuthenticationError as error:
        assert error.status_code == 401 and "API key" in str(error), error
        assert key not in str(error), "the answer echoes the key"
        return f"AuthenticationError 401: {error.body.get('message') if isinstance(error.body, dict) else error.body}"
    raise AssertionError("a wrong key was served")


def missing_key():
    status, headers, body = raw("/keyed/v1/chat/completions", {"content-type": "application/json"}, json.dumps({"model": "m", "messages": MESSAGES}).encode())
    error = json.loads(body)["error"]
    assert status == 401 and headers["www-authenticate"] == "Bearer" and error["message"].startswith("no API key"), (status, dict(headers), body)
    return f"401, www-authenticate: Bearer, {error['message']!r}"


def anthropic_client(key):
    import anthropic
    return anthropic.Anthropic(base_url=BASE + "/messages", api_key=key, max_retries=0)


def anthropic_accepted():
    reply = anthropic_client(TEAM_A).messages.create(model="claude-opus-4-7", max_tokens=64, system="You are a skilled cloud-native network engineer.", messages=[{"role": "user", "content": "Say hello"}])
    assert reply.content[0].text, reply
    return f"accepted: {reply.content[0].text[:30]!r}"


def anthropic_refused():
    import anthropic
    try:
        anthropic_client("sk-wrong").messages.create(model="claude-opus-4-7", max_tokens=64, messages=[{"role": "user", "content": "hi"}])
    except anthropic.AuthenticationError as error:
        assert error.status_code == 401
        return "AuthenticationError 401"
    raise AssertionError("a wrong x-api-key was served")


def x_api_key():
    body = json.dumps({"model": "m", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]}).encode()
    headers = {"content-type": "application/json", "anthropic-version": "2023-06-01"}
    good, _, _ = raw("/xkey/v1/messages", {**headers, "x-api-key": TEAM_A}, body)
    bearer, _, _ = raw("/xkey/v1/messages", {**headers, "authorization": f"Bearer {TEAM_A}"}, body)
    assert (good, bearer) == (200, 401), (good, bearer)
    return "a key in x-api-key (as Claude Code sends it) 200; the same key as Bearer, where the policy does not read it: 401"


def jwt(claims, key=None, kid="test-2026"):
    """An RS256 JWT signed with openssl by the run's key (JWT_KEY), or another key."""
    b64 = lambda data: base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    signing_input = b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": kid}).encode()) + "." + b64(json.dumps(claims).encode())
    signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key or os.environ["JWT_KEY"]], input=signing_input.encode(), capture_output=True, check=True).stdout
    return signing_input + "." + b64(signature)


def jwt_tokens():
    from openai import OpenAI, AuthenticationError
    now = int(time.time())
    good = {"sub": "svc-build", "iss": "https://idp.example.test", "aud": "gateway", "iat": now, "exp": now + 300}
    reply = OpenAI(base_url=BASE + "/jwt", api_key=jwt(good), max_retries=0).chat.completions.create(model="claude-opus-4-7", messages=MESSAGES)
    assert reply.choices[0].message.content
    other_key = os.path.join(os.path.dirname(os.environ["JWT_KEY"]), "other-key.pem")
    subprocess.run(["openssl", "genrsa", "-out", other_key, "2048"], capture_output=True, check=True)
    refused = {}
    for name, token in [("expired", jwt({**good, "exp": now - 3600})), ("another audience", jwt({**good, "aud": "billing"})), ("another key", jwt(good, other_key))]:
        try:
            OpenAI(base_url=BASE + "/jwt", api_key=token, max_retries=0).chat.completions.create(model="claude-opus-4-7", messages=MESSAGES)
            raise AssertionError(f"the {name} token was served")
        except AuthenticationError as error:
            refused[name] = error.body.get("message") if isinstance(error.body, dict) else str(error.body)
    return f"a valid RS256 token: answered; 401 for {refused}"


def guards():
    from openai import OpenAI, APIStatusError
    client = OpenAI(base_url=BASE + "/guarded", api_key=TEAM_A, max_retries=0)
    card = "4111 1111 1111 1111"
    reply = client.chat.completions.create(model="claude-opus-4-7", messages=[{"role": "system", "content": "be brief"}, {"role": "user", "content": f"my card is {card}"}])
    text = reply.choices[0].message.content
    assert "<masked>" in text and "per-node ztunnel" not in text, text
    sent = [json.loads(line) for line in open(os.environ["STANDIN_LOG"])]
    last = json.dumps(sent[-1])
    assert "<CREDIT_CARD>" in last and card not in last, last[:300]
    streamed = ""
    for chunk in client.chat.completions.create(model="claude-opus-4-7", stream=True, messages=[{"role": "system", "content": "be brief"}, {"role": "user", "content": "hello"}]):
        for choice in chunk.choices:
            streamed += choice.delta.content or ""
    assert "<masked>" in streamed and "per-node ztunnel" not in streamed and "ztunnel" not in streamed, streamed
    import anthropic
    native = ""
    with anthropic.Anthropic(base_url=BASE + "/guarded", api_key=TEAM_A, max_retries=0).messages.stream(
            model="claude-opus-4-7", max_tokens=64, system="be brief", messages=[{"role": "user", "content": "hello"}]) as stream:
        for text in stream.text_stream:
            native += text
    assert "<masked>" in native and "ztunnel" not in native, native
    try:
        client.chat.completions.create(model="claude-opus-4-7", messages=[{"role": "user", "content": "tell me about Project Falcon? no: project falcon"}])
        raise AssertionError("a rejected prompt was served")
    except APIStatusError as error:
        assert error.status_code == 451 and "not discussed" in str(error), error
    return "the provider got <CREDIT_CARD>, not the number; the answer's phrase masked buffered and streamed (split across events; a translated stream and the anthropic SDK's native one); a forbidden phrase: 451"


def rejected_answers():
    from openai import OpenAI, APIStatusError, APIError
    client = OpenAI(base_url=BASE + "/strict-answers", api_key=TEAM_A, max_retries=0)
    try:
        client.chat.completions.create(model="claude-opus-4-7", messages=MESSAGES)
        raise AssertionError("a rejected answer was served")
    except APIStatusError as error:
        assert error.status_code == 502 and "withheld" in str(error), error
    streamed, raised = "", None
    try:
        for chunk in client.chat.completions.create(model="claude-opus-4-7", stream=True, messages=MESSAGES):
            for choice in chunk.choices:
                streamed += choice.delta.content or ""
    except APIError as error:
        raised = error
    assert raised is not None and "withheld" in str(raised) and "waypoint" not in streamed, (streamed, raised)
    return f"buffered: 502 with the rule's message; streamed: {len(streamed)} characters, then an error event the SDK raises, none of the match"


def retries():
    headers = {"authorization": f"Bearer {TEAM_A}"}
    ok, _, body = raw("/retried/flaky?key=plain-a&fail=2", headers)
    assert ok == 200 and json.loads(body)["attempts"] == 3, (ok, body)
    exhausted, _, _ = raw("/retried/flaky?key=plain-b&fail=3", headers)
    assert exhausted == 503, exhausted
    from openai import OpenAI
    client = OpenAI(base_url=BASE + "/retried-ai", api_key=TEAM_A, max_retries=0)
    reply = client.chat.completions.with_raw_response.create(model="gpt-test", messages=MESSAGES, extra_headers={"x-flaky-key": "ai-a", "x-flaky-fail": "1"})
    assert reply.status_code == 200 and json.loads(reply.text)["attempts"] == 2, reply.text
    return "plain route: two 503s retried, the third try answered 200; three 503s: the last 503 answered; AI route: one 503 retried"


def mirrors_and_ref_filters():
    flaky = os.environ.get("FLAKY_URL", "http://127.0.0.1:18095")
    def seen(key):
        return json.load(urllib.request.urlopen(f"{flaky}/flaky?key={key}&fail=0", timeout=10))["attempts"] - 1
    status, _, _ = raw("/mirrored/flaky?key=mirror-all&fail=0")
    unmirrored, _, _ = raw("/unmirrored/flaky?key=mirror-none&fail=0")
    time.sleep(0.5)  # the mirror is fire and forget
    assert status == 200 and unmirrored == 200, (status, unmirrored)
    assert seen("mirror-all") == 1 and seen("mirror-none") == 0
    by_ref, headers, body = raw("/by-ref/")
    assert by_ref == 200 and headers["x-backend"] == "files" and body.strip() == b"private", (by_ref, dict(headers), body)
    return "a 100% mirror reached the mirror backend once, a 0% one never; a backendRef's ResponseHeaderModifier and URLRewrite applied"


def jwt_remote_keys():
    from openai import OpenAI, AuthenticationError
    now = int(time.time())
    claims = {"sub": "svc-remote", "iss": "https://idp.example.test", "aud": "gateway", "exp": now + 300}
    token = jwt(claims, os.environ["JWT_REMOTE_KEY"], kid="remote-2026")
    ask = lambda token: OpenAI(base_url=BASE + "/jwt-remote", api_key=token, max_retries=0).chat.completions.create(model="claude-opus-4-7", messages=MESSAGES)
    assert ask(token).choices[0].message.content
    # The set was fetched at load and is cached: gone from the server, it still verifies.
    os.remove(os.path.join(os.environ["WWW"], "jwks.json"))
    assert ask(token).choices[0].message.content
    try:
        ask(jwt(claims))  # signed with the inline provider's key, which this policy does not hold
        raise AssertionError("a token of another provider's key was served")
    except AuthenticationError:
        pass
    return "a token signed with the key from the remote JWKS: answered, also after the JWKS went away (cached); another key's: 401"


def basic(user, password):
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return raw("/private/", {"authorization": f"Basic {token}"})


def basic_users():
    results = {user: basic(user, f"{user}-pass")[0] for user in ("alice", "bob", "carol")}
    assert results == {"alice": 200, "bob": 200, "carol": 200}, results
    wrong, headers, _ = basic("alice", "wrong")
    nobody, _, _ = basic("nobody", "x")
    none, challenge, _ = raw("/private/")
    assert (wrong, nobody, none) == (401, 401, 401) and challenge["www-authenticate"] == 'Basic realm="files"', (wrong, nobody, none, dict(challenge))
    return "alice (bcrypt), bob (apr1), carol (SHA-1, inline) 200; a wrong password, an unknown user, none: 401 with the realm"


def request_limit():
    statuses = [raw("/limited/")[0] for _ in range(3)]
    status, headers, body = raw("/limited/")
    assert statuses == [200, 200, 200] and status == 429, (statuses, status)
    limits = {name: headers[name] for name in ("retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")}
    assert limits["x-ratelimit-limit"] == "3" and limits["x-ratelimit-remaining"] == "0" and 0 < int(limits["retry-after"]) <= 60, limits
    return f"3 requests pass, the 4th: 429 {limits}"


def still_limited():
    status, headers, _ = raw("/limited/")
    assert status == 429, status
    return f"429 after the reload, x-ratelimit-reset {headers['x-ratelimit-reset']}"


def limit_changed():
    status, _, _ = raw("/limited/")
    assert status == 200, status
    return "the changed limit starts a new bucket: 200"


def token_budget():
    import openai
    client = openai.OpenAI(base_url=BASE + "/budget", api_key=TEAM_A, max_retries=0)
    spent, answered = 0, 0
    for _ in range(10):
        try:
            stream = client.chat.completions.create(model="claude-opus-4-7", stream=True, stream_options={"include_usage": True}, messages=MESSAGES)
            for chunk in stream:
                if chunk.usage:
                    spent += chunk.usage.total_tokens
            answered += 1
        except openai.RateLimitError as error:
            headers = error.response.headers
            assert answered >= 1 and spent >= 100 and headers["x-ratelimit-limit"] == "100", (answered, spent, dict(headers))
            assert error.body.get("code") == "rate_limit_exceeded", error.body
            return f"{answered} streamed answers spent {spent} of 100 tokens an hour; the next: RateLimitError 429"
    raise AssertionError(f"{answered} answers, {spent} tokens, never limited")


if __name__ == "__main__":
    phase = sys.argv[2] if len(sys.argv) > 2 else "main"
    if phase == "main":
        check("openai SDK with a client key", openai_accepted)
        check("openai SDK with a wrong key", lambda: openai_refused("sk-not-a-client-key"))
        check("no key", missing_key)
        check("anthropic SDK with a client key", anthropic_accepted)
        check("anthropic SDK with a wrong key", anthropic_refused)
        check("a key in x-api-key", x_api_key)
        check("basic authentication", basic_users)
        check("JWT authentication with the openai SDK", jwt_tokens)
        check("JWT keys from a remote JWKS", jwt_remote_keys)
        check("prompt guards", guards)
        check("a response guard that rejects", rejected_answers)
        check("retries", retries)
        check("request mirrors and backendRef filters", mirrors_and_ref_filters)
        check("request limit", request_limit)
        check("token limit on streamed answers", token_budget)
    elif phase == "after-reload":
        check("request limit kept across a reload", still_limited)
    elif phase == "after-change":
        check("request limit changed", limit_changed)
    sys.exit(1 if failures else 0)
