#!/usr/bin/env bash
# Policies end to end (samples/policies, docs/policies.md): gwrun with the stand-in provider and a
# local file server; the openai and anthropic SDKs and the hermes-agent CLI with client API keys
# (accepted, wrong, missing), a key in x-api-key, basic authentication against an htpasswd file
# made by Apache's `htpasswd` (bcrypt, apr1) and an inline SHA-1 user, a request limit, a token
# limit spent by streamed answers, RS256 JWTs (valid, expired, another audience, another key; keys
# inline and from a remote JWKS, cached),
# prompt guards (a card number masked before the provider, a phrase masked in buffered and streamed
# answers, a forbidden phrase refused), CORS from headless Chromium, retries (plain and AI), and the request limit's state across two reloads (unchanged:
# kept; changed: a new bucket).
source "$(dirname "$0")/lib/e2e-common.sh"
use_client_venvs
secrets="$work/secrets/agentgateway-system"
mkdir -p "$secrets/client-keys" "$secrets/basic-users" "$work/www/private" "$work/www/limited" "$work/www/cors-filter" "$work/www/cors-policy" "$work/pages"
printf 'sk-team-a-0001' > "$secrets/client-keys/team-a"
printf '{"keyHash": "sha256:f1715e9e4e237943e1f9028073b4fa7092c547c7ffeaff12b8b130cd93d98303", "metadata": {"team": "b"}}' > "$secrets/client-keys/team-b"
{ htpasswd -nbB alice alice-pass; htpasswd -nbm bob bob-pass; } | grep . > "$secrets/basic-users/.htaccess" || exit 1
echo private > "$work/www/private/index.html"; echo limited > "$work/www/limited/index.html"
mkdir -p "$work/www/mirrored" "$work/www/unmirrored"; echo mirrored > "$work/www/mirrored/flaky"; echo unmirrored > "$work/www/unmirrored/flaky"
echo filter > "$work/www/cors-filter/index.html"; echo policy > "$work/www/cors-policy/index.html"; cp testing/cors-probe.html "$work/pages/"

# The JWT provider's key pair is made for this run (no private key in the repository): the
# sample's inline JWKS is replaced by the new public key, and tokens are signed with openssl.
openssl genrsa -out "$work/jwt-key.pem" 2048 2>/dev/null || exit 1
mkdir -p "$work/policies"
python3 - "$work/jwt-key.pem" samples/policies/gateway.yaml "$work/policies/gateway.yaml" <<'PY' || exit 1
import base64, json, subprocess, sys
modulus = subprocess.run(["openssl", "rsa", "-in", sys.argv[1], "-noout", "-modulus"], capture_output=True, text=True, check=True).stdout.strip().split("=")[1]
b64 = lambda data: base64.urlsafe_b64encode(data).rstrip(b"=").decode()
jwks = json.dumps({"keys": [{"kty": "RSA", "kid": "test-2026", "alg": "RS256", "use": "sig", "n": b64(bytes.fromhex(modulus)), "e": "AQAB"}]})
lines = [f"            inline: '{jwks}'" if line.strip().startswith("inline: '{\"keys\"") else line for line in open(sys.argv[2]).read().split("\n")]
open(sys.argv[3], "w").write("\n".join(lines))
PY
# A second provider key, published as a remote JWKS on the file server.
openssl genrsa -out "$work/jwt-remote-key.pem" 2048 2>/dev/null || exit 1
python3 - "$work/jwt-remote-key.pem" "$work/www/jwks.json" <<'PY' || exit 1
import base64, json, subprocess, sys
modulus = subprocess.run(["openssl", "rsa", "-in", sys.argv[1], "-noout", "-modulus"], capture_output=True, text=True, check=True).stdout.strip().split("=")[1]
b64 = lambda data: base64.urlsafe_b64encode(data).rstrip(b"=").decode()
json.dump({"keys": [{"kty": "RSA", "kid": "remote-2026", "alg": "RS256", "n": b64(bytes.fromhex(modulus)), "e": "AQAB"}]}, open(sys.argv[2], "w"))
PY
.build/debug/gwc build "$work/policies" -o "$work/routes.gwt" >/dev/null || exit 1
start python3 testing/standin-anthropic.py --port 18090 --expect-key "$fake_key" --log "$work/standin.jsonl" 2>/dev/null
start python3 -m http.server 18291 --bind 127.0.0.1 --directory "$work/www" 2>/dev/null >/dev/null
start python3 testing/faulty-upstream.py --port 18095 2>/dev/null
# The browser test's pages, from an allowed origin (26310) and from another (26311).
start python3 -m http.server 26310 --bind 127.0.0.1 --directory "$work/pages" 2>/dev/null >/dev/null
start python3 -m http.server 26311 --bind 127.0.0.1 --directory "$work/pages" 2>/dev/null >/dev/null
wait_port 18090; wait_port 18291; wait_port 18095; wait_port 26310; wait_port 26311
start .build/debug/gwrun --table "$work/routes.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 --port-offset 18000 \
  --admin-port 26901 > "$work/access.log" 2> "$work/gwrun.err"
wait_ready 26901
base=http://127.0.0.1:26080
JWT_KEY="$work/jwt-key.pem" JWT_REMOTE_KEY="$work/jwt-remote-key.pem" WWW="$work/www" STANDIN_LOG="$work/standin.jsonl" "$venv/bin/python" testing/e2e_policies.py "$base" main | tee "$work/clients.out"

# CORS from a real browser: headless Chromium loads a page from another origin that calls the
# gateway with fetch (a custom header, so a preflight goes first).
browse() { timeout 60 chromium --headless=new --no-sandbox --disable-gpu --user-data-dir="$work/chromium-$1" --virtual-time-budget=10000 \
  --dump-dom "http://127.0.0.1:$1/cors-probe.html?gateway=$base" 2>/dev/null | grep -o '<pre id="out">.*</pre>' | sed 's/<[^>]*>//g'; }
allowed=$(browse 26310); other=$(browse 26311)
if python3 - "$allowed" "$other" "$work/access.log" <<'PY'
import json, sys
allowed, other = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert [(r["status"], r["body"]) for r in allowed] == [(200, "filter"), (200, "policy")], allowed
assert allowed[0]["exposed"] == "gwrun" and allowed[1]["exposed"] is None, allowed  # only the filter exposes x-served-by
assert all("blocked" in r for r in other), other
preflights = [json.loads(l) for l in open(sys.argv[3]) if '"OPTIONS"' in l]
assert len(preflights) >= 4 and all(p["status"] == 204 for p in preflights), preflights
PY
then ok "CORS from headless Chromium: the allowed origin reads both answers (the filter's exposed header too), another origin is blocked by the browser; preflights answered 204"
else fail "CORS from headless Chromium" "allowed: $allowed; other: $other"; fi

# The real Hermes CLI, its provider's api_key a client key (accepted) or not one (refused).
hermes_bin="$(pwd)/$hermes_venv/bin/hermes"
run_hermes() {  # KEY OUT
  mkdir -p "$work/hermes-$2"
  cat > "$work/hermes-$2/config.yaml" <<YAML
model: {provider: agentgateway, default: claude-opus-4-7}
providers:
  agentgateway: {api_mode: chat_completions, base_url: $base/keyed, api_key: $1, models: [claude-opus-4-7]}
security: {allow_lazy_installs: false, tirith_enabled: false}
model_catalog: {enabled: false}
YAML
  (cd "$work" && HERMES_HOME="$work/hermes-$2" timeout 180 "$hermes_bin" -z "Say hello in five words." </dev/null > "$work/hermes-$2.out" 2> "$work/hermes-$2.err")
}
run_hermes sk-team-a-0001 good
if grep -q "Ambient Mesh" "$work/hermes-good.out"; then ok "hermes-agent CLI with a client key: $(head -c 50 "$work/hermes-good.out")"; else fail "hermes-agent CLI with a client key" "$(tail -n 3 "$work/hermes-good.out" "$work/hermes-good.err")"; fi
run_hermes sk-not-a-client-key bad
if ! grep -q "Ambient Mesh" "$work/hermes-bad.out" && grep -q '"client":"team-a"' "$work/access.log" \
   && grep -q '"status":401.*"error":"authentication: invalid API key' <(grep '/keyed/' "$work/access.log"); then
  ok "hermes-agent CLI with a wrong key gets no answer (401 logged)"
else
  fail "hermes-agent CLI with a wrong key" "$(tail -3 "$work/hermes-bad.out")"
fi

# Reload with the same policies: the request limit's bucket (empty now) is kept.
.build/debug/gwc build "$work/policies" -o "$work/next.gwt" >/dev/null && mv "$work/next.gwt" "$work/routes.gwt"
for _ in $(seq 30); do grep -q "generation 2" "$work/gwrun.err" && break; sleep 0.1; done
"$venv/bin/python" testing/e2e_policies.py "$base" after-reload | tee -a "$work/clients.out"
# Reload with the limit changed (3 -> 4 a minute): a new bucket, full.
mkdir -p "$work/changed" && sed 's/requests: 3, unit: Minutes/requests: 4, unit: Minutes/' "$work/policies/gateway.yaml" > "$work/changed/gateway.yaml"
.build/debug/gwc build "$work/changed" -o "$work/next.gwt" >/dev/null && mv "$work/next.gwt" "$work/routes.gwt"
for _ in $(seq 30); do grep -q "generation 3" "$work/gwrun.err" && break; sleep 0.1; done
"$venv/bin/python" testing/e2e_policies.py "$base" after-change | tee -a "$work/clients.out"

# No key or password reaches the log.
sleep 0.5
if grep -qE 'sk-team-a-0001|sk-not-a-client-key|alice-pass|bob-pass' "$work/access.log" "$work/gwrun.err"; then fail "no credential in the logs"; else ok "no credential in the access log or gwrun's messages"; fi
passed=$((passed + $(grep -c '^ok ' "$work/clients.out"))); failed=$((failed + $(grep -c '^FAIL ' "$work/clients.out")))
echo "e2e-policies: $passed passed, $failed failed"
if [ $failed -ne 0 ]; then echo "--- gwrun"; cat "$work/gwrun.err"; tail -20 "$work/access.log"; fi
[ $failed -eq 0 ]
