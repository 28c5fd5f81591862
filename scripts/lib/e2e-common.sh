# Shared set-up for the end-to-end scripts (sourced, not run): builds gwc and gwrun (debug), makes
# a work directory that is removed on exit with every process started through `start`, mounts the
# sample Secret as Kubernetes would, and waits for gwrun's readiness.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
swift build --product gwc >/dev/null && swift build --product gwrun >/dev/null || exit 1
work=$(mktemp -d)
started_pids=()
e2e_cleanup() { for pid in "${started_pids[@]}"; do kill "$pid" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap e2e_cleanup EXIT
# The samples' Secret, with their obviously fake key, at DIR/<namespace>/<name>/<key>.
fake_key=fake-anthropic-key-for-local-stand-in
mkdir -p "$work/secrets/agentgateway-system/anthropic-secret"
printf '%s' "$fake_key" > "$work/secrets/agentgateway-system/anthropic-secret/Authorization"
# The OpenAI stand-in's key (testing/standin-openai.py --expect-key), mounted as openai-secret on demand.
openai_key=fake-openai-key-for-local-stand-in
mount_openai_secret() {
  mkdir -p "$work/secrets/agentgateway-system/openai-secret"
  printf '%s' "$openai_key" > "$work/secrets/agentgateway-system/openai-secret/Authorization"
}

# start COMMAND...: runs it in the background, stopped on exit; its pid is in $last_pid.
start() { "$@" & last_pid=$!; started_pids+=("$last_pid"); }

# wait_ready ADMIN_PORT: until gwrun's /readyz answers (5 s at most); a gwrun that did not come
# up (a port taken by another process, say) ends the script rather than testing someone else.
wait_ready() {
  for _ in $(seq 50); do curl -sf "127.0.0.1:$1/readyz" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "FAIL gwrun did not become ready on admin port $1:"; cat "$work/gwrun.err" 2>/dev/null; exit 1
}

# Each script's ports stay below 32768: Linux hands out 32768-60999 to outgoing connections, so a
# listener port there can be taken by any client socket of an earlier test.
# wait_port PORT: until something accepts connections on 127.0.0.1:PORT (a stand-in provider that
# is still starting would make the first requests fail as refused), 5 s at most.
wait_port() {
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done
  echo "FAIL nothing listens on port $1"; exit 1
}

passed=0; failed=0
# ok NAME / fail NAME DETAIL: count and print one check.
ok() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1${2:+: $2}"; }
# check NAME GOT WANT: ok when they are equal (scripts with another notion of a check define their own).
check() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "got '$2', expected '$3'"; fi; }

# use_client_venvs: the real clients, each in its own venv under .build (made once): the openai
# and anthropic SDKs, google-genai (and botocore) in $venv, the hermes-agent CLI in $hermes_venv.
use_client_venvs() {
  venv=.build/venv-e2e
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" && "$venv/bin/pip" install -q openai anthropic botocore google-genai || exit 1
  fi
  # botocore (scripts/e2e-bedrock.sh checks SigV4 with it) and google-genai came later than the SDKs.
  "$venv/bin/python" -c 'import botocore, google.genai' 2>/dev/null || "$venv/bin/pip" install -q botocore google-genai || exit 1
  hermes_venv=.build/venv-hermes
  if [ ! -x "$hermes_venv/bin/hermes" ]; then
    python3 -m venv "$hermes_venv" && "$hermes_venv/bin/pip" install -q 'hermes-agent[anthropic]==0.19.0' || exit 1
  fi
  # Its anthropic_messages mode needs the extra's anthropic SDK (lazy installs are off in the tests).
  "$hermes_venv/bin/python" -c 'import anthropic' 2>/dev/null || "$hermes_venv/bin/pip" install -q 'hermes-agent[anthropic]==0.19.0' || exit 1
}
