#!/usr/bin/env bash
# The main job end to end on the bundled sample: build gwc, lint the seed's manifests and
# Hermes config, and print the status conditions a controller would write.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product gwc
GWC=.build/release/gwc
echo "== gwc lint samples/hermes-anthropic"
"$GWC" lint samples/hermes-anthropic
echo
echo "== gwc lint --conditions samples/hermes-anthropic"
"$GWC" lint --conditions --quiet samples/hermes-anthropic
echo
echo "== gwc lint samples/broken/seed-secret-unexpanded.yaml (a seed mistake; exits 1)"
"$GWC" lint samples/broken/seed-secret-unexpanded.yaml || echo "(exit $?)"
