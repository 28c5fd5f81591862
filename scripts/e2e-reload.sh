#!/usr/bin/env bash
# Reload under load: while requests keep flowing through gwrun, 50 new tables are swapped in
# (gwc build renames them into place, then SIGHUP) and 5 corrupt ones; no request may fail,
# and gwrun must end on the last good generation with the 5 corrupt ones refused. Then a
# keep-alive connection must see a reload between two of its requests.
source "$(dirname "$0")/lib/e2e-common.sh"
mkdir -p "$work/variant"
.build/debug/gwc build samples/hermes-anthropic-local -o "$work/routes.gwt" >/dev/null || exit 1
start python3 testing/standin-anthropic.py --port 18090 --expect-key "$fake_key" 2>/dev/null
wait_port 18090
start .build/debug/gwrun --table "$work/routes.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 --port-offset 13000 \
  --admin-port 21901 > /dev/null 2> "$work/gwrun.err"
gw_pid=$last_pid
wait_ready 21901
python3 testing/load.py 127.0.0.1 21080 "$work/stop" > "$work/load.out" &
load_pid=$!
sleep 1
for i in $(seq 1 50); do
  # Each generation differs (a timeout on the route), so every swap is a real new table.
  sed "s|    backendRefs:|    timeouts: {request: ${i}s}\n    backendRefs:|" samples/hermes-anthropic-local/gateway.yaml > "$work/variant/gateway.yaml"
  .build/debug/gwc build "$work/variant" -o "$work/routes.gwt" >/dev/null || { echo "build $i failed"; exit 1; }
  kill -HUP "$gw_pid"
  if [ $((i % 10)) -eq 0 ]; then
    head -c 2000 /dev/urandom > "$work/corrupt.gwt" && mv "$work/corrupt.gwt" "$work/routes.gwt" && kill -HUP "$gw_pid"
    sleep 0.2
    .build/debug/gwc build "$work/variant" -o "$work/routes.gwt" >/dev/null && kill -HUP "$gw_pid"
  fi
  sleep 0.1
done
sleep 1.5
touch "$work/stop"; wait "$load_pid"; load_status=$?
ready=$(curl -s 127.0.0.1:21901/readyz)
reloaded=$(grep -c "^gwrun: [a-zA-Z ]*: reloaded" "$work/gwrun.err"); refused=$(grep -c "^gwrun: [a-zA-Z ]*: reload refused" "$work/gwrun.err")
echo "load: $(cat "$work/load.out")"
echo "reloads: $reloaded applied, $refused refused; $ready"
check() { if eval "$2"; then ok "$1"; else fail "$1"; fi; }
check "no request failed during the swaps" "[ $load_status -eq 0 ]"
check "the 5 corrupt tables were refused" "[ $refused -ge 5 ]"
check "at least 50 good tables were swapped in" "[ $reloaded -ge 50 ]"
check "still serving after the last swap" "curl -sf -o /dev/null 127.0.0.1:21080/anthropic -H content-type:application/json -d '{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}'"
# A keep-alive connection keeps its table between requests; after a reload its next request must
# be routed by the new one (here a table where /anthropic moved: 404).
sed "s|value: /anthropic$|value: /moved|" samples/hermes-anthropic-local/gateway.yaml > "$work/variant/gateway.yaml"
.build/debug/gwc build "$work/variant" -o "$work/moved.gwt" >/dev/null || exit 1
statuses=$(python3 - "$gw_pid" "$work" <<'PY'
import http.client, os, signal, sys, time
pid, work = int(sys.argv[1]), sys.argv[2]
connection = http.client.HTTPConnection("127.0.0.1", 21080, timeout=5)
def status():
    connection.request("GET", "/anthropic/v1/models")
    answer = connection.getresponse()
    answer.read()
    return answer.status
before = status()
port = connection.sock.getsockname()[1]
os.rename(f"{work}/moved.gwt", f"{work}/routes.gwt")
os.kill(pid, signal.SIGHUP)
time.sleep(1)
after = status()
print(before, after, "same-connection" if connection.sock.getsockname()[1] == port else "reconnected")
PY
)
check "a keep-alive connection is routed by the new table after a reload" "[ \"$statuses\" = '200 404 same-connection' ]"
echo "reload: $passed passed, $failed failed"
[ $failed -eq 0 ]
