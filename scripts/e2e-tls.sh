#!/usr/bin/env bash
# TLS termination and source ranges end to end (testing/tls): certificates made by openssl for this
# run (a test CA, never committed); curl and the openai SDK over TLS; SNI picking between two
# listeners' certificates on one port; a name no listener takes refused; a TLS 1.2-only client
# refused where frontend.tls asks for 1.3; plain HTTP to a TLS port gets no answer; a certificate
# replaced in its Secret served after a reload while an open connection keeps working; a
# networkAuthorization rule admitting 127.0.0.1/32 refusing a client bound to 127.0.0.2; PROXY
# protocol v1 and v2 from a trusted and an untrusted peer; a provider key file rotated in place.
source "$(dirname "$0")/lib/e2e-common.sh"
use_client_venvs
secrets="$work/secrets/agentgateway-system"
mkdir -p "$secrets/cert-a" "$secrets/cert-b"
cd "$work"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=gwc e2e test CA" 2>/dev/null || exit 1
issue() {  # issue NAME CN SAN
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null &&
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -out "$1.crt" -extfile <(printf 'subjectAltName=%s' "$3") 2>/dev/null
}
issue a "a-first" "DNS:a.example.test,DNS:strict.example.test" && issue b "b" "DNS:*.b.example.test" && issue a2 "a-second" "DNS:a.example.test,DNS:strict.example.test" || exit 1
for n in a b; do cp $n.crt "$secrets/cert-$n/tls.crt"; cp $n.key "$secrets/cert-$n/tls.key"; done
python3 - <<'PY' || exit 1
import base64
docs = [f"apiVersion: v1\nkind: Secret\nmetadata: {{name: cert-{n}, namespace: agentgateway-system}}\ntype: kubernetes.io/tls\ndata:\n"
        f"  tls.crt: {base64.b64encode(open(f'{n}.crt', 'rb').read()).decode()}\n  tls.key: {base64.b64encode(open(f'{n}.key', 'rb').read()).decode()}\n" for n in "ab"]
open("certs.yaml", "w").write("---\n".join(docs))
PY
cd - >/dev/null
.build/debug/gwc build testing/tls "$work/certs.yaml" -o "$work/tls.gwt" >/dev/null || exit 1
printf '%s' "$fake_key" > "$work/provider-key"
start python3 testing/standin-anthropic.py --port 18590 --expect-key-file "$work/provider-key" > "$work/standin.log" 2>&1
wait_port 18590
start .build/debug/gwrun --table "$work/tls.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 --port-offset 18000 \
  --admin-port 26970 --trusted-proxies 127.0.0.1/32 > "$work/access.log" 2> "$work/gwrun.err"
gwrun_pid=$last_pid
wait_ready 26970
ca="$work/ca.crt"
check "curl over TLS, SNI a.example.test" "$(curl -s --cacert "$ca" --resolve a.example.test:26443:127.0.0.1 https://a.example.test:26443/hello)" "hello from the gateway"
check "ALPN http/1.1" "$(curl -s -o /dev/null -w '%{http_version}' --cacert "$ca" --resolve a.example.test:26443:127.0.0.1 https://a.example.test:26443/hello)" "1.1"
curl -s --cacert "$ca" --tls-max 1.2 --resolve strict.example.test:26444:127.0.0.1 https://strict.example.test:26444/hello >/dev/null; code=$?
check "a TLS 1.2-only client refused where frontend.tls says 1.3 minimum (curl 35)" "$code" "35"
check "a TLS 1.3 client served there" "$(curl -s --cacert "$ca" --resolve strict.example.test:26444:127.0.0.1 https://strict.example.test:26444/hello)" "hello from the gateway"
silent=$(python3 -c '
import socket, time
sock = socket.create_connection(("127.0.0.1", 26444)); start = time.monotonic(); sock.settimeout(10)
print("closed" if sock.recv(1) == b"" and 1.5 < time.monotonic() - start < 4 else "open")')
check "a client that sends no ClientHello is closed at frontend.tls handshakeTimeout (2s)" "$silent" "closed"
curl -s http://127.0.0.1:26443/hello >/dev/null; code=$?
check "plain HTTP to the TLS port: closed, never served in cleartext (curl 52/56)" "$([ $code = 52 ] || [ $code = 56 ] && echo closed || echo $code)" "closed"
"$venv/bin/python" testing/e2e_tls.py "$ca" 26443 ask > "$work/ask.out" 2>&1
check "openai SDK over TLS (test CA as trust), translated to the stand-in provider" "$(grep -c '^sdk-answer: .' "$work/ask.out")" "1"
check "SNI a.example.test gets listener a's certificate" "$(grep '^sni a.example.test' "$work/ask.out")" "sni a.example.test: CN=a-first"
check "SNI x.b.example.test gets listener b's (wildcard) certificate" "$(grep '^sni x.b.example.test' "$work/ask.out")" "sni x.b.example.test: CN=b"
check "SNI c.example.test (no listener) refused" "$(grep '^sni c.example.test' "$work/ask.out")" "sni c.example.test: refused"
"$venv/bin/python" testing/e2e_tls.py "$ca" 26443 rotate "$secrets/cert-a" "$work/a2.crt" "$work/a2.key" "$gwrun_pid" > "$work/rotate.out" 2>&1
check "certificate replaced in the Secret: served to the next connection after reload; the open one keeps working" \
  "$(cat "$work/rotate.out")" "before=a-first after=a-second open-connection=hello from the gateway|hello from the gateway"
check "networkAuthorization admits 127.0.0.1" "$(curl -s http://127.0.0.1:26082/hello)" "hello from the gateway"
body=$(curl -s --interface 127.0.0.2 http://127.0.0.1:26082/hello); code=$?
case $code in 52|56) code=closed ;; esac
check "networkAuthorization refuses 127.0.0.2 before reading (no answer)" "$code:$body" "closed:"
check "the refusal is counted" "$(curl -s 127.0.0.1:26970/metrics | grep '^gwrun_source_refusals_total' | awk '{print $2}')" "1"
# PROXY protocol behind a load balancer (127.0.0.1 is the trusted proxy, 127.0.0.2 is not).
python3 testing/proxy_clients.py 26083 > "$work/proxy.out" 2>&1
for expected in "trusted v1 TCP4: 200" "trusted v2 TCP6: 200" "trusted v2 LOCAL (health check): 200" "trusted, no header (Strict): closed" \
  "trusted, malformed v1: closed" "trusted, malformed v2 (version 3): closed" "trusted v1 from a denied client range: closed" "untrusted peer claiming an address: closed"; do
  check "PROXY: $expected" "$(grep -F "${expected%%:*}:" "$work/proxy.out")" "$expected"
done
sleep 0.5  # the access log is flushed every 200 ms
check "the access log shows the client address a v1 header gave" "$(grep -c '"peer":"203.0.113.7"' "$work/access.log")" "1"
check "and a v2 header's IPv6 one" "$(grep -c '"peer":"2001:db8::7"' "$work/access.log")" "1"
check "the untrusted peer's claimed address never served" "$(grep -c '203.0.113.8' "$work/access.log")" "0"
check "and logged with the address and the policy" "$(grep -c 'refused a connection from 127.0.0.2: port 8082.s networkAuthorization (agentgateway-system/loopback-one)' "$work/gwrun.err")" "1"
# A secrets manager rotates the provider key file in place (write, then rename, as Vault Agent and
# the CSI driver do): the provider now accepts only the new key, and gwrun sends it without a
# restart or a table rebuild. Then the file disappears: the last good key is kept, with a metric
# and a log line naming the reference.
chat() { curl -s -o /dev/null -w '%{http_code}' --cacert "$ca" --resolve a.example.test:26443:127.0.0.1 https://a.example.test:26443/v1/chat/completions \
  -H 'content-type: application/json' -d '{"model": "claude-opus-4-7", "messages": [{"role": "user", "content": "hi"}]}'; }
check "a chat completion with the first provider key" "$(chat)" "200"
key_file="$work/secrets/agentgateway-system/anthropic-secret/Authorization"
printf 'rotated-provider-key-0002' > "$work/provider-key"
printf 'rotated-provider-key-0002' > "$key_file.new" && mv "$key_file.new" "$key_file"
for _ in $(seq 40); do grep -q "secret files changed" "$work/gwrun.err" && break; sleep 0.1; done
check "the rotated key file is picked up (no restart, no table rebuild): the next request carries the new key" "$(chat)" "200"
rm "$key_file"
for _ in $(seq 40); do grep -q "with the last good secret values" "$work/gwrun.err" && break; sleep 0.1; done
check "the key file removed: the last good key is kept" "$(chat)" "200"
check "gwrun_secrets_missing counts the reference" "$(curl -s 127.0.0.1:26970/metrics | grep '^gwrun_secrets_missing' | awk '{print $2}')" "1.0"
check "and the log names it" "$(grep -c 'missing secret: Secret agentgateway-system/anthropic-secret key Authorization' "$work/gwrun.err")" "1"
if grep -qE -- "-----BEGIN|rotated-provider-key|$fake_key" "$work/access.log" "$work/gwrun.err"; then fail "no key material or provider key in the logs"; else ok "no key material or provider key in the logs"; fi
echo "tls: $passed passed, $failed failed"
if [ $failed -ne 0 ]; then echo "--- gwrun"; cat "$work/gwrun.err"; cat "$work/ask.out" "$work/rotate.out"; fi
[ $failed -eq 0 ]
