#!/usr/bin/env bash
# The whole test suite (the same as .ci/run after setup): unit, CLI and corpus tests.
set -uo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests || exit 1
swift test --skip-build 2>&1 | tee .build/test.log
exit "${PIPESTATUS[0]}"
