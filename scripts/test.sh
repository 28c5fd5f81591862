#!/usr/bin/env bash
# The whole test suite (what .ci/run runs after scripts/setup.sh):
#   1. the sample documents against schemas/ with check-jsonschema (PyPI),
#   2. a bounded fuzz run of the YAML-to-IR path (FUZZ_SECONDS, default 30; 0 skips it),
#   3. end to end: gwrun with the stand-in provider: the seed's curl, the openai/anthropic SDKs and
#      the hermes-agent CLI; upstream faults; reload under load; shutdown; the Gateway API
#      conformance request cases as real traffic (in a network namespace); the front door (TLS with
#      curl and the openai SDK, SNI, source ranges, PROXY protocol, rotated secret files; a CDP
#      client through a WebSocket tunnel to headless Chromium; LAN-only); policies (auth, limits,
#      guards, CORS from headless Chromium, retries, mirrors); OpenTelemetry export to a stand-in
#      collector; the anthropic SDK on an OpenAI-compatible provider, the openai SDK's Responses API
#      and hermes-agent's codex_responses mode on Anthropic; failover between providers; three
#      replicas sharing rate limits through redis-server (paused, stopped, restarted); AI upstream connections;
#      2,000 idle connections at a lowered descriptor limit,
#   4. the unit, CLI and corpus tests (swift test), last, so its summary closes the output.
set -uo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests || exit 1

venv=.build/venv
if [ ! -x "$venv/bin/check-jsonschema" ]; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q check-jsonschema pyyaml || exit 1
fi
"$venv/bin/python" scripts/check-schemas.py "$venv/bin/check-jsonschema" || exit 1

if [ "${FUZZ_SECONDS:-30}" != 0 ]; then
  scripts/fuzz.sh "${FUZZ_SECONDS:-30}" | grep -E '^(Done|stat::number_of_executed_units)' || exit 1
  if ls .build-fuzz/crashes/crash-* >/dev/null 2>&1; then echo "fuzz: crash found in .build-fuzz/crashes" >&2; exit 1; fi
fi

scripts/e2e.sh 2>&1 | grep -vE "^warning: 'swift-distributed-tracing'|CMakeLists.txt$" || exit 1
scripts/e2e-faults.sh 2>&1 | grep -vE "^warning: 'swift-distributed-tracing'|CMakeLists.txt$" || exit 1
scripts/e2e-reload.sh 2>&1 | grep -vE "^warning: 'swift-distributed-tracing'|CMakeLists.txt$" || exit 1
scripts/e2e-shutdown.sh 2>&1 | grep -vE "^warning: 'swift-distributed-tracing'|CMakeLists.txt$" || exit 1
scripts/e2e-conformance.sh 2>&1 | grep -vE "^warning: 'swift-distributed-tracing'|CMakeLists.txt$" || exit 1
scripts/e2e-tls.sh 2>&1 | grep -vE "^warning: 'swift-distributed-tracing'|CMakeLists.txt$" || exit 1
scripts/e2e-cdp.sh 2>&1 | grep -vE "^warning: 'swift-distributed-tracing'|CMakeLists.txt$" || exit 1
scripts/e2e-audit.sh 2>&1 | grep -vE "^warning: 'swift-distributed-tracing'|CMakeLists.txt$" || exit 1
scripts/e2e-otel.sh 2>&1 | grep -vE "^warning: 'swift-distributed-tracing'|CMakeLists.txt$" || exit 1
scripts/e2e-providers.sh 2>&1 | grep -vE "^warning: 'swift-distributed-tracing'|CMakeLists.txt$" || exit 1
scripts/e2e-failover.sh 2>&1 | grep -vE "^warning: 'swift-distributed-tracing'|CMakeLists.txt$" || exit 1
scripts/e2e-openai-compatible.sh 2>&1 | grep -vE "^warning: 'swift-distributed-tracing'|CMakeLists.txt$" || exit 1
scripts/e2e-upstream-tls.sh 2>&1 | grep -vE "^warning: 'swift-distributed-tracing'|CMakeLists.txt$" || exit 1
scripts/e2e-bedrock.sh 2>&1 | grep -vE "^warning: 'swift-distributed-tracing'|CMakeLists.txt$" || exit 1
scripts/e2e-shared-limits.sh 2>&1 | grep -vE "^warning: 'swift-distributed-tracing'|CMakeLists.txt$" || exit 1
scripts/e2e-lan.sh 2>&1 | grep -vE "^warning: 'swift-distributed-tracing'|CMakeLists.txt$" || exit 1
scripts/e2e-policies.sh 2>&1 | grep -vE "^warning: 'swift-distributed-tracing'|CMakeLists.txt$" || exit 1
scripts/e2e-upstream.sh 2>&1 | grep -vE "^warning: 'swift-distributed-tracing'|CMakeLists.txt$" || exit 1
scripts/e2e-limits.sh 2>&1 | grep -vE "^warning: 'swift-distributed-tracing'|CMakeLists.txt$" || exit 1

swift test --skip-build 2>&1 | tee .build/test.log
exit "${PIPESTATUS[0]}"
