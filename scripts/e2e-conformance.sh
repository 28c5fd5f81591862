#!/usr/bin/env bash
# The Gateway API conformance request cases (Tests/GatewayCompilerTests/Fixtures/conformance, and
# the suite's tests of the filters gwrun applies in Fixtures/conformance-filters) sent
# as real traffic through gwrun, each Service resolved to a local echo backend: inside a network
# and mount namespace of its own (unshare), whose /etc/hosts names every Service's address.
set -uo pipefail
cd "$(dirname "$0")/.."
swift build --product gwc >/dev/null && swift build --product gwrun >/dev/null || exit 1
venv=.build/venv
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv" && "$venv/bin/pip" install -q pyyaml || exit 1; fi
hosts=$(mktemp); trap 'rm -f "$hosts"' EXIT
cp /etc/hosts "$hosts"
exec unshare --net --mount sh -c '
  mount --bind "$0" /etc/hosts && ip link set lo up || { echo "FAIL conformance traffic: cannot set up the network namespace"; exit 1; }
  python=$1; shift
  exec "$python" testing/conformance_traffic.py .build/debug/gwc .build/debug/gwrun "$0" \
    Tests/GatewayCompilerTests/Fixtures/conformance Tests/GatewayCompilerTests/Fixtures/conformance-filters
' "$hosts" "$(pwd)/$venv/bin/python" "$@"
