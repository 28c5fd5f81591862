#!/usr/bin/env bash
# The main job end to end on the bundled sample: build gwc, lint the seed's manifests and Hermes
# config, compile them into a route table, inspect it, and ask it where the seed's requests go.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product gwc
GWC=.build/release/gwc
TABLE=.build/routes.gwt
run() { echo; echo "\$ gwc $*"; "$GWC" "$@"; }
run lint samples/hermes-anthropic
run build samples/hermes-anthropic -o "$TABLE"
run inspect "$TABLE"
run route "$TABLE" --port 8080 --method POST --path /anthropic/chat/completions
run route "$TABLE" --port 8080 --method POST --path /v1/chat/completions
run route "$TABLE" --port 8080 --path /other
echo; echo "\$ gwc lint samples/broken/seed-secret-unexpanded.yaml   # one of the seed's own pitfalls (exits 1)"
"$GWC" lint samples/broken/seed-secret-unexpanded.yaml || true
