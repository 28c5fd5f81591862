#!/usr/bin/env bash
# The LAN-only annotation enforced (gwc.dev/exposure: lan): inside a network namespace of its own
# (unshare), 192.0.2.10 (TEST-NET-1, not a LAN address) and 10.20.30.40 (RFC 1918) are added to the
# loopback device and curl connects from each. The LAN-only Gateway closes the TEST-NET connection
# unread (counted, logged once) and answers the RFC 1918 one and one from 127.0.0.1; the open
# Gateway answers all. Where network namespaces are not permitted, the script says so and skips.
set -uo pipefail
cd "$(dirname "$0")/.."
swift build --product gwc >/dev/null && swift build --product gwrun >/dev/null || exit 1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
if ! unshare --net true 2>/dev/null; then echo "skip lan: this machine does not permit network namespaces (unshare --net)"; exit 0; fi
.build/debug/gwc build testing/lan -o "$work/lan.gwt" >/dev/null || exit 1
unshare --net sh -c '
  work=$1
  ip link set lo up && ip addr add 192.0.2.10/32 dev lo && ip addr add 10.20.30.40/32 dev lo || { echo "FAIL lan: cannot set up the network namespace"; exit 1; }
  .build/debug/gwrun --table "$work/lan.gwt" --listen-address 0.0.0.0 --port-offset 20000 --admin-port 29950 > /dev/null 2> "$work/gwrun.err" &
  pid=$!
  for _ in $(seq 50); do curl -sf -o /dev/null 127.0.0.1:29950/readyz && break; sleep 0.1; done
  passed=0; failed=0
  check() { if [ "$2" = "$3" ]; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1: got $2, expected $3"; fi; }
  check "LAN-only Gateway, client 127.0.0.1" "$(curl -s 127.0.0.1:28080/)" "hello from the gateway"
  # Closed before anything is read: curl sees an empty reply (52) or, when its request was already
  # in the socket, a reset (56); never an answer.
  body=$(curl -s --interface 192.0.2.10 127.0.0.1:28080/); code=$?
  case $code in 52|56) code=closed ;; esac
  check "LAN-only Gateway, client 192.0.2.10: closed unread, no answer" "$code:$body" "closed:"
  check "LAN-only Gateway, client 10.20.30.40 (RFC 1918)" "$(curl -s --interface 10.20.30.40 127.0.0.1:28080/)" "hello from the gateway"
  check "open Gateway, client 192.0.2.10" "$(curl -s --interface 192.0.2.10 127.0.0.1:28081/)" "hello from the gateway"
  check "the refusal is counted" "$(curl -s 127.0.0.1:29950/metrics | grep "^gwrun_source_refusals_total" | awk "{print \$2}")" 1
  check "and logged with the address" "$(grep -c "refused a connection from 192.0.2.10" "$work/gwrun.err")" 1
  kill $pid; wait $pid 2>/dev/null
  echo "lan: $passed passed, $failed failed"
  [ $failed -eq 0 ]
' sh "$work"
status=$?
exit $status
