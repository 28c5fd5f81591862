#!/usr/bin/env bash
# gwrun start-up and memory: for tables of 10 and 10,000 routes (scripts/gen-corpus.py), the time
# from exec to the first answered request (a 404 probe, polled every millisecond), and resident
# memory after 2,000 lookups over the whole table (paths no rule matches, so that no upstream is
# needed: the corpus' Services do not resolve here). Median of 5 starts.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product gwc >/dev/null
swift build -c release --product gwrun >/dev/null
mkdir -p .build/bench
printf '%-8s %-10s %-22s %-14s\n' routes table-KB start-to-first-ms rss-MB
for n in 10 10000; do
  dir=.build/bench/corpus-$n
  [ -d "$dir" ] || python3 scripts/gen-corpus.py "$n" "$dir"
  .build/release/gwc build "$dir" -o .build/bench/start-$n.gwt >/dev/null
  # The corpus' backends read Secret provider-key in each team namespace.
  secrets=.build/bench/secrets-$n; rm -rf "$secrets"
  for ns in $(seq 0 $(( (n / 500 > 0 ? n / 500 : 1) - 1 ))); do
    mkdir -p "$secrets/team-$ns/provider-key"; printf 'fake-key' > "$secrets/team-$ns/provider-key/Authorization"
  done
  times=()
  for _ in 1 2 3 4 5; do
    start=$(date +%s%N)
    .build/release/gwrun --table .build/bench/start-$n.gwt --secrets-dir "$secrets" --listen-address 127.0.0.1 \
      --gateway team-0/gw --port-offset 50000 >/dev/null 2>&1 &
    pid=$!
    until curl -s -o /dev/null 127.0.0.1:58080/probe 2>/dev/null; do sleep 0.001; done
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
    if [ "${#times[@]}" -eq 5 ]; then
      python3 - "$n" <<'PY'
import http.client, sys
n = int(sys.argv[1])
c = http.client.HTTPConnection("127.0.0.1", 58080)
for i in range(2000):
    r = i % max(n, 1)
    c.request("GET", f"/v{r % 7}/other-{r}", headers={"host": f"app-{r}.example.com"})
    c.getresponse().read()
PY
      rss=$(awk '/VmRSS/ {print int($2 / 1024)}' /proc/$pid/status)
    fi
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
  printf '%-8s %-10s %-22s %-14s\n' "$n" "$(( $(stat -c %s .build/bench/start-$n.gwt) / 1024 ))" "$median" "$rss"
done
