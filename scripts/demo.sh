#!/usr/bin/env bash
# The main job end to end, on a fresh machine with no key and no network: build gwc and gwrun,
# lint and compile the bundled seed sample, start the local stand-in Anthropic provider (test
# tooling in testing/) and gwrun, send the seed's curl request through the gateway, print the
# answer, and stop both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "== building gwc and gwrun (the first build takes a few minutes)"
swift build --product gwc >/dev/null
swift build --product gwrun >/dev/null
work=$(mktemp -d)
cleanup() { kill "${gw_pid:-}" "${standin_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

echo; echo "\$ gwc lint samples/hermes-anthropic-local"
.build/debug/gwc lint samples/hermes-anthropic-local || true
echo; echo "\$ gwc build samples/hermes-anthropic-local -o routes.gwt"
.build/debug/gwc build samples/hermes-anthropic-local -o "$work/routes.gwt"
echo; echo "\$ gwc route routes.gwt --port 8080 --method POST --path /anthropic"
.build/debug/gwc route "$work/routes.gwt" --port 8080 --method POST --path /anthropic

# The Secret as Kubernetes would mount it; the value is the sample's obviously fake key.
mkdir -p "$work/secrets/agentgateway-system/anthropic-secret"
printf 'fake-anthropic-key-for-local-stand-in' > "$work/secrets/agentgateway-system/anthropic-secret/Authorization"
python3 testing/standin-anthropic.py --port 18090 --expect-key fake-anthropic-key-for-local-stand-in \
  --expect-model claude-opus-4-7 --expect-system "You are a skilled cloud-native network engineer." &
standin_pid=$!
echo; echo "\$ gwrun --table routes.gwt --secrets-dir secrets/ --port-offset 10000   (listener 8080 on 18080)"
.build/debug/gwrun --table "$work/routes.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 --port-offset 10000 --admin-port 19901 &
gw_pid=$!
for _ in $(seq 50); do curl -sf 127.0.0.1:19901/readyz >/dev/null 2>&1 && break; sleep 0.1; done
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/18090) 2>/dev/null && break; sleep 0.1; done   # the stand-in is up

echo; echo "\$ curl 127.0.0.1:18080/anthropic ...   (the seed's request)"
curl -s "127.0.0.1:18080/anthropic" -H content-type:application/json -d '{
  "model": "claude-opus-4-7",
  "max_tokens": 1024,
  "messages": [
    {
      "role": "system",
      "content": "You are a skilled cloud-native network engineer."
    },
    {
      "role": "user",
      "content": "Write me a paragraph containing the best way to think about Istio Ambient Mesh"
    }
  ]
}' | python3 -m json.tool
