#!/usr/bin/env bash
# TLS from gwrun to backends (docs/upstream-tls.md), end to end: certificates made by openssl for
# this run (two test CAs, never committed), stand-in providers serving HTTPS with them, one of
# them requiring a client certificate. Each AgentgatewayBackend's `policies.tls` is checked for
# what it must let through and what it must refuse: SNI and verifySubjectAltNames, a name the
# certificate does not hold, a CA not trusted (by the ConfigMap or by the system), insecureSkipVerify
# Hostname and All, mutual TLS with and without the client certificate, a plain route trusting a
# CA from a Secret; a Service through a BackendTLSPolicy. A refused connection carries no request:
# the stand-in logs none for it.
# A Service's name resolves only in a cluster: the script runs in a network and mount namespace of
# its own (unshare, as e2e-conformance.sh), whose /etc/hosts gives the Services 127.0.0.1.
if [ -z "${E2E_UPSTREAM_TLS_NETNS:-}" ]; then
  cd "$(dirname "$0")/.." && swift build --product gwc >/dev/null && swift build --product gwrun >/dev/null || exit 1
  hosts=$(mktemp); trap 'rm -f "$hosts"' EXIT
  cp /etc/hosts "$hosts"
  printf '127.0.0.1 tls-svc.agentgateway-system.svc.cluster.local tls-svc-wrong-name.agentgateway-system.svc.cluster.local\n' >> "$hosts"
  E2E_UPSTREAM_TLS_NETNS=1 unshare --net --mount sh -c '
    mount --bind "$0" /etc/hosts && ip link set lo up || { echo "FAIL upstream TLS: cannot set up the network namespace"; exit 1; }
    exec bash "$1"' "$hosts" "$(pwd)/scripts/e2e-upstream-tls.sh"
  exit $?
fi
source "$(dirname "$0")/lib/e2e-common.sh"
secrets="$work/secrets/agentgateway-system"
cd "$work"
ca() { openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.crt" -days 2 -subj "/CN=$1" 2>/dev/null; }
issue() {  # issue NAME CA SAN [clientAuth]
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" 2>/dev/null &&
  openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" -CAcreateserial -days 2 -out "$1.crt" \
    -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=%s' "$3" "${4:-serverAuth}") 2>/dev/null
}
{ ca test-ca && ca other-ca && issue internal test-ca DNS:backend.internal && issue local-other other-ca DNS:localhost &&
  issue local test-ca DNS:localhost && issue gateway-client test-ca DNS:gwrun clientAuth; } || { echo "FAIL openssl could not make the certificates"; exit 1; }
mkdir -p "$secrets/gateway-client" "$secrets/upstream-ca-secret"
cp gateway-client.crt "$secrets/gateway-client/tls.crt"; cp gateway-client.key "$secrets/gateway-client/tls.key"
cp test-ca.crt "$secrets/upstream-ca-secret/ca.crt"
python3 - <<'PY' || exit 1
import base64
b64 = lambda name: base64.b64encode(open(name, "rb").read()).decode()
ca = "".join("    " + line for line in open("test-ca.crt").readlines())
open("certs.yaml", "w").write(f"""apiVersion: v1
kind: ConfigMap
metadata: {{name: upstream-ca, namespace: agentgateway-system}}
data:
  ca.crt: |
{ca}---
apiVersion: v1
kind: Secret
metadata: {{name: upstream-ca-secret, namespace: agentgateway-system}}
data: {{ca.crt: {b64('test-ca.crt')}}}
---
apiVersion: v1
kind: Secret
metadata: {{name: gateway-client, namespace: agentgateway-system}}
type: kubernetes.io/tls
data: {{tls.crt: {b64('gateway-client.crt')}, tls.key: {b64('gateway-client.key')}}}
""")
PY
cd - >/dev/null
lint=$(.build/debug/gwc lint testing/upstream-tls "$work/certs.yaml" 2>&1)
check "gwc lint: insecureSkipVerify reported (GW428, twice)" "$(echo "$lint" | grep -c 'GW428')" "2"
check "gwc lint: host overrides with policies.tls are not plain HTTP (no GW409), every TLS field enforced (no GW420)" "$(echo "$lint" | grep -cE 'GW409|GW420')" "0"
without=$(.build/debug/gwc lint testing/upstream-tls 2>&1)
check "gwc lint without the CA ConfigMap: GW427 for each backend and BackendTLSPolicy naming it" "$(echo "$without" | grep -c 'GW427')" "9"
.build/debug/gwc build testing/upstream-tls "$work/certs.yaml" -o "$work/tls.gwt" >/dev/null || exit 1
route=$(.build/debug/gwc route "$work/tls.gwt" --port 8095 --path /sni-names/v1/chat/completions 2>&1)
check "gwc route shows the TLS setting" "$(echo "$route" | grep -c '^tls: *verified; SNI backend.internal; names backend.internal; CAs sha256:')" "1"
for port in 18601 18602 18603; do : > "$work/requests-$port.jsonl"; : > "$work/sni-$port.log"; done
start python3 testing/standin-anthropic.py --port 18601 --expect-key "$fake_key" --tls-cert "$work/internal.crt" --tls-key "$work/internal.key" \
  --log "$work/requests-18601.jsonl" --sni-log "$work/sni-18601.log" 2> "$work/standin-18601.err"
start python3 testing/standin-anthropic.py --port 18602 --expect-key "$fake_key" --tls-cert "$work/local-other.crt" --tls-key "$work/local-other.key" \
  --log "$work/requests-18602.jsonl" 2> "$work/standin-18602.err"
start python3 testing/standin-anthropic.py --port 18603 --expect-key "$fake_key" --tls-cert "$work/local.crt" --tls-key "$work/local.key" \
  --tls-client-ca "$work/test-ca.crt" --log "$work/requests-18603.jsonl" 2> "$work/standin-18603.err"
for port in 18601 18602 18603; do wait_port $port; done
start .build/debug/gwrun --table "$work/tls.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 --port-offset 17000 \
  --admin-port 26996 > "$work/access.log" 2> "$work/gwrun.err"
gwrun_pid=$last_pid
wait_ready 26996
chat() {  # chat PREFIX: status and the answer's first words
  curl -s -w ' %{http_code}' "http://127.0.0.1:25095/$1/v1/chat/completions" -H 'content-type: application/json' \
    -d '{"model": "claude-opus-4-7", "messages": [{"role": "user", "content": "hi"}]}' |
    python3 -c 'import json,sys; t=sys.stdin.read(); body,code=t.rsplit(" ",1)
try: print(code, json.loads(body)["choices"][0]["message"]["content"][:14])
except Exception: print(code)'
}
requests() { wc -l < "$work/requests-$1.jsonl" | tr -d ' '; }
check "SNI and verifySubjectAltNames: backend.internal's certificate trusted through the ConfigMap's CA" "$(chat sni-names)" "200 Think of Istio"
check "  the stand-in saw SNI backend.internal (the destination is 127.0.0.1)" "$(tail -1 "$work/sni-18601.log")" "backend.internal"
before=$(requests 18601)
check "the destination's name (localhost) not in the certificate: refused, 502" "$(chat wrong-name)" "502"
check "  and no request reached the provider" "$(requests 18601)" "$before"
check "insecureSkipVerify: Hostname lets the same certificate through" "$(chat skip-hostname)" "200 Think of Istio"
check "a certificate of a CA the ConfigMap does not hold: refused, 502" "$(chat untrusted)" "502"
check "the system trust store does not trust a test CA: refused, 502" "$(chat system-trust)" "502"
check "  and no request reached that provider" "$(requests 18602)" "0"
check "insecureSkipVerify: All accepts it" "$(chat skip-all)" "200 Think of Istio"
check "mutual TLS: the client certificate from the Secret is presented, the provider answers" "$(chat mtls)" "200 Think of Istio"
before=$(requests 18603)
check "without mtlsCertificateRef the provider refuses the handshake: 502" "$(chat no-client-cert)" "502"
check "  and no request reached it" "$(requests 18603)" "$before"
check "a plain route over TLS, the CA from a Secret: the backend's answer" "$(curl -s http://127.0.0.1:25095/plain)" '{"plain": true}'
for _ in $(seq 30); do grep -q '"/plain"' "$work/requests-18603.jsonl" && break; sleep 0.1; done
check "its RequestMirror reached the mirror over mutual TLS" "$(grep -c '"path": "/plain"' "$work/requests-18603.jsonl")" "1"
check "a Service through its BackendTLSPolicy: SNI and the name backend.internal, the ConfigMap's CA" "$(curl -s http://127.0.0.1:25095/service/plain) $(tail -1 "$work/sni-18601.log")" '{"plain": true} backend.internal'
before=$(requests 18601)
check "a Service whose BackendTLSPolicy names what the certificate does not hold: refused, 502" "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:25095/service-wrong-name/plain)" "502"
check "  and no request reached it" "$(requests 18601)" "$before"
kill -HUP "$gwrun_pid"
for _ in $(seq 50); do grep -q "reloaded" "$work/gwrun.err" && break; sleep 0.1; done
check "after a reload, TLS to the backends as before" "$(chat sni-names) $(chat wrong-name) $(chat mtls)" "200 Think of Istio 502 200 Think of Istio"
sleep 0.5  # the access log is flushed every 200 ms
check "the refusals are logged with the reason (wrong-name, before and after the reload)" "$(grep -c 'holds none of the names localhost' "$work/access.log")" "2"
echo "upstream TLS: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
