#!/usr/bin/env bash
# WebSocket tunnels end to end (testing/cdp): a real headless Chromium (Debian) with
# --remote-debugging-port behind an HTTPRoute; a CDP client (Python websockets) opens a page
# through gwrun and reads its title over the upgraded connection; the same from 127.0.0.2, outside
# the Gateway's networkAuthorization, is refused before a byte is read.
source "$(dirname "$0")/lib/e2e-common.sh"
cdp_venv=.build/venv-cdp
if [ ! -x "$cdp_venv/bin/python" ]; then python3 -m venv "$cdp_venv" && "$cdp_venv/bin/pip" install -q websockets || exit 1; fi
command -v chromium >/dev/null || { echo "FAIL cdp: chromium is not installed (scripts/setup.sh installs it)"; exit 1; }
.build/debug/gwc build testing/cdp -o "$work/cdp.gwt" >/dev/null || exit 1
# Chromium's helper processes outlive its main one: stop them all before the work folder goes.
trap 'pkill -f -- "--user-data-dir=$work/chromium" 2>/dev/null; sleep 0.5; e2e_cleanup' EXIT
start chromium --headless=new --no-sandbox --disable-gpu --user-data-dir="$work/chromium" --remote-debugging-address=127.0.0.1 \
  --remote-debugging-port=19222 about:blank > "$work/chromium.log" 2>&1
# Chromium can take longer than wait_port's 5 s to open its DevTools port on a busy machine.
for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/19222) 2>/dev/null && break; sleep 0.1; done
wait_port 19222
start .build/debug/gwrun --table "$work/cdp.gwt" --listen-address 127.0.0.1 --port-offset 18000 --admin-port 26980 > "$work/access.log" 2> "$work/gwrun.err"
wait_ready 26980
check "CDP through gwrun's WebSocket tunnel: a page opened and its title read" "$(timeout 60 "$cdp_venv/bin/python" testing/cdp_client.py 26086 2>&1 | tail -1)" "title: gwc cdp relay"
check "the same from 127.0.0.2 (outside networkAuthorization): refused" "$(timeout 60 "$cdp_venv/bin/python" testing/cdp_client.py 26086 127.0.0.2 2>&1 | tail -1 | cut -d: -f1)" "refused"
sleep 0.5
check "the upgrade is logged with status 101 when the tunnel closes" "$(grep -c '"path":"/devtools/page/[^"]*".*"status":101' "$work/access.log")" "1"
echo "cdp: $passed passed, $failed failed"
if [ $failed -ne 0 ]; then echo "--- gwrun"; cat "$work/gwrun.err"; tail -5 "$work/access.log"; fi
[ $failed -eq 0 ]
