#!/usr/bin/env bash
# End to end: compile samples/hermes-anthropic-local, start the stand-in Anthropic provider
# (testing/, test tooling) and gwrun, then run the seed's curl request and the official openai
# and anthropic SDKs through the gateway. Both processes are stopped on exit.
set -uo pipefail
cd "$(dirname "$0")/.."
swift build --product gwc >/dev/null && swift build --product gwrun >/dev/null || exit 1
work=$(mktemp -d)
cleanup() { kill "${gw_pid:-}" "${standin_pid:-}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
venv=.build/venv-e2e
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q openai anthropic || exit 1
fi
mkdir -p "$work/secrets/agentgateway-system/anthropic-secret"
printf 'fake-anthropic-key-for-local-stand-in' > "$work/secrets/agentgateway-system/anthropic-secret/Authorization"
.build/debug/gwc build samples/hermes-anthropic-local -o "$work/routes.gwt" >/dev/null || exit 1
python3 testing/standin-anthropic.py --port 18090 --expect-key fake-anthropic-key-for-local-stand-in \
  --expect-model claude-opus-4-7 --expect-system "You are a skilled cloud-native network engineer." --log "$work/standin.jsonl" 2>/dev/null &
standin_pid=$!
.build/debug/gwrun --table "$work/routes.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 --port-offset 10000 \
  --admin-port 19901 > "$work/access.log" 2> "$work/gwrun.err" &
gw_pid=$!
for _ in $(seq 50); do curl -sf 127.0.0.1:19901/readyz >/dev/null 2>&1 && break; sleep 0.1; done
"$venv/bin/python" testing/e2e_clients.py http://127.0.0.1:18080
status=$?
if [ $status -ne 0 ]; then echo "--- gwrun"; cat "$work/gwrun.err" "$work/access.log"; echo "--- stand-in"; cat "$work/standin.jsonl"; fi
exit $status
