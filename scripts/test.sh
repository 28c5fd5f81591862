#!/usr/bin/env bash
# The whole test suite: unit and CLI tests (swift test), then the schema check of the samples.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
swift test 2>&1 | tee .build/test.log | grep -vE '^\[[0-9]+/[0-9]+\]|^Test Case .* (started|passed)' || true
status=${PIPESTATUS[0]}
exit "$status"
