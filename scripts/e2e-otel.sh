#!/usr/bin/env bash
# OpenTelemetry end to end (docs/runtime.md, "Traces and OTLP"): gwrun exports spans and the GenAI
# metrics over OTLP/HTTP to a stand-in collector (testing/otlp-collector.py, decoding the protobuf
# bodies with opentelemetry-proto); the openai SDK's traceparent is continued, a client span per
# upstream call is the parent the provider sees; sampling follows the ratio and the client's flag;
# a collector that is down, refusing or hanging never slows a request, and what is lost is counted.
source "$(dirname "$0")/lib/e2e-common.sh"
use_client_venvs
otel_venv=.build/venv-otel
if [ ! -x "$otel_venv/bin/python" ]; then
  python3 -m venv "$otel_venv" && "$otel_venv/bin/pip" install -q opentelemetry-proto || exit 1
fi
.build/debug/gwc build testing/otel -o "$work/otel.gwt" >/dev/null || exit 1
start python3 testing/standin-anthropic.py --port 18790 --expect-key "$fake_key" --cache-read 8 --log "$work/upstream.jsonl" > "$work/standin.log" 2>&1
wait_port 18790
collector() { start "$otel_venv/bin/python" testing/otlp-collector.py --port 18791 --out "$work/otlp.jsonl" --mode "$1"; collector_pid=$last_pid; wait_port 18791; }
serve() {
  start .build/debug/gwrun --table "$work/otel.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 --port-offset 18000 \
    --admin-port 26992 --otlp-endpoint http://127.0.0.1:18791 --otlp-metrics-interval 1 "$@" >> "$work/access.log" 2>> "$work/gwrun.err"
  gwrun_pid=$last_pid
  wait_ready 26992
}
# Every stop's exit status is kept: gwrun must exit 0 after SIGTERM, whatever the collector does.
exit_statuses=""
stop_gwrun() { kill -TERM "$gwrun_pid"; wait "$gwrun_pid" 2>/dev/null; exit_statuses+="$? "; }
base=http://127.0.0.1:26088
query() { python3 - "$work/otlp.jsonl" "$work/upstream.jsonl" "$1" <<'PY'
import json, sys
def read(path):
    try: return [json.loads(l) for l in open(path)]
    except FileNotFoundError: return []
otlp, upstream, what = read(sys.argv[1]), read(sys.argv[2]), sys.argv[3]
spans = [s for s in otlp if s["signal"] == "span"]
def server(trace): return [s for s in spans if s["trace_id"] == trace and s["kind"] == 2]
def client(trace): return [s for s in spans if s["trace_id"] == trace and s["kind"] == 3]
if what == "continued":
    s = server("4bf92f3577b34da6a3ce929d0e0e4736"); c = client("4bf92f3577b34da6a3ce929d0e0e4736")
    print(len(s), len(c), s and s[0]["parent_span_id"], c and s and c[0]["parent_span_id"] == s[0]["span_id"], s and s[0]["service"])
elif what == "upstream-parent":
    c = client("4bf92f3577b34da6a3ce929d0e0e4736")
    seen = [u["traceparent"] for u in upstream if u.get("model") and (u.get("traceparent") or "").startswith("00-4bf92f3577b34da6a3ce929d0e0e4736-")]
    print(bool(c) and seen == [f"00-4bf92f3577b34da6a3ce929d0e0e4736-{c[0]['span_id']}-01"])
elif what == "genai":
    a = server("4bf92f3577b34da6a3ce929d0e0e4736")[0]["attributes"]
    print(a.get("gen_ai.operation.name"), a.get("gen_ai.provider.name"), a.get("gen_ai.request.model"), a.get("gen_ai.response.model"),
          a.get("gen_ai.usage.input_tokens"), a.get("gen_ai.usage.output_tokens") is not None, a.get("gen_ai.usage.cache_read.input_tokens"),
          a.get("http.response.status_code"))
elif what == "client-genai":
    c = client("4bf92f3577b34da6a3ce929d0e0e4736")[0]
    print(c["name"], c["attributes"].get("server.address"), c["attributes"].get("gen_ai.usage.input_tokens"))
elif what == "streamed":
    s = server("a" * 32)
    print(len(s), s and s[0]["attributes"].get("gen_ai.usage.input_tokens"), s and s[0]["attributes"].get("gen_ai.usage.cache_read.input_tokens"), s and s[0]["parent_span_id"])
elif what == "plain":
    # The plain request sent no traceparent: gwrun began a trace, and the backend saw its client span.
    got = [u["traceparent"] for u in upstream if u.get("path") == "/plain"]
    tp = got[-1].split("-") if got and got[-1] else ["", "", "", ""]
    c = client(tp[1])
    print(len(server(tp[1])), bool(c) and c[0]["span_id"] == tp[2], tp[3])
elif what == "metrics":
    names = {(m["name"], m["unit"]) for m in otlp if m["signal"] == "metric"}
    types = {p["attributes"].get("gen_ai.token.type") for m in otlp if m["signal"] == "metric" and m["name"] == "gen_ai.client.token.usage" for p in m["points"]}
    print(("gen_ai.client.token.usage", "{token}") in names, ("gen_ai.server.request.duration", "s") in names, sorted(t for t in types if t))
elif what == "plain-untraced":
    print([u["traceparent"] for u in upstream if u.get("path") == "/plain"][-1])
elif what == "count":
    print(len(spans))
PY
}
collector ok
serve
"$venv/bin/python" testing/otel_clients.py "$base/v1" buffered > "$work/clients.out" || fail "openai SDK buffered request"
"$venv/bin/python" testing/otel_clients.py "$base/v1" streamed >> "$work/clients.out" || fail "openai SDK streamed request"
check "plain request answered" "$(curl -s -o /dev/null -w '%{http_code}' "$base/plain")" "200"
sleep 3   # the batch processor sends every second; metrics every second
check "the client's sampled trace is continued: one server span, one client span under it (service gwrun)" "$(query continued)" "1 1 00f067aa0ba902b7 True gwrun"
check "the provider saw the client span as its parent in traceparent" "$(query upstream-parent)" "True"
check "the server span carries the GenAI attributes and the status" "$(query genai)" "chat anthropic claude-opus-4-7 claude-opus-4-7 42 True 8 200"
check "the client span is named after the operation and model" "$(query client-genai)" "chat claude-opus-4-7 127.0.0.1 42"
check "a streamed answer's span has its usage" "$(query streamed)" "1 42 8 bbbbbbbbbbbbbbbb"
check "a request without traceparent starts a trace; the plain backend sees gwrun's client span, sampled" "$(query plain)" "1 True 01"
check "GenAI metrics over OTLP with their units and token types" "$(query metrics)" "True True ['input', 'output']"
stop_gwrun
# Ratio 0: a request without a trace is not traced (nothing is added to its headers); a client's
# sampled trace still is.
: > "$work/otlp.jsonl"
serve --otlp-sampling-ratio 0
curl -s -o /dev/null "$base/plain"
"$venv/bin/python" testing/otel_clients.py "$base/v1" buffered > /dev/null
sleep 2
check "ratio 0: only the client's sampled trace is exported" "$(query count)" "2"
check "ratio 0: an untraced request goes upstream without a traceparent of gwrun's" "$(query plain-untraced)" "None"
stop_gwrun
# The Gateway's frontend.tracing policy, without --otlp-endpoint: the same spans go to its URL.
: > "$work/otlp.jsonl"
.build/debug/gwc build testing/otel testing/otel-policy -o "$work/policy.gwt" >/dev/null || fail "gwc build with the tracing policy"
start .build/debug/gwrun --table "$work/policy.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 --port-offset 18000 \
  --admin-port 26992 >> "$work/access.log" 2>> "$work/gwrun.err"
gwrun_pid=$last_pid
wait_ready 26992
curl -s -o /dev/null "$base/plain"
sleep 2
check "frontend.tracing (url, protocol HTTP, randomSampling true): the request's spans reach its collector" "$(query count)" "2"
check "gwrun names where it traces to at start" "$(tail -n 3 "$work/gwrun.err" | grep -c 'tracing to http://127.0.0.1:18791/v1/traces (random sampling 1.0, client sampling 1.0)')" "1"
stop_gwrun
# A collector that refuses, then one that hangs, then none: requests stay fast, losses are counted.
kill "$collector_pid"; wait "$collector_pid" 2>/dev/null
collector refuse
serve
for _ in $(seq 20); do curl -s -o /dev/null "$base/plain"; done
# swift-otel retries a refused export with backoff until its 5 s export timeout: wait for it.
for _ in $(seq 40); do
  curl -s 127.0.0.1:26992/metrics > "$work/metrics.txt"
  failures=$(grep '^gwrun_telemetry_export_failures_total{signal="traces"}' "$work/metrics.txt" | awk '{print $2}')
  dropped=$(grep '^gwrun_telemetry_dropped_total{signal="traces"}' "$work/metrics.txt" | awk '{print $2}')
  [ -n "$failures" ] && [ -n "$dropped" ] && break
  sleep 0.5
done
check "a refusing collector: failed exports are counted (${failures:-none})" "$([ -n "$failures" ] && echo yes)" "yes"
check "a refusing collector: the spans of a failed export are counted as dropped (${dropped:-none})" "$([ -n "$dropped" ] && echo yes)" "yes"
warnings=$(grep -c 'OpenTelemetry export' "$work/gwrun.err")
check "a refusing collector: warned about in gwrun's log at most once per 10 s ($warnings)" "$([ "$warnings" -ge 1 ] && [ "$warnings" -le 2 ] && echo yes)" "yes"
stop_gwrun
kill "$collector_pid"; wait "$collector_pid" 2>/dev/null
collector slow
serve
slowest=$(for _ in $(seq 200); do curl -s -o /dev/null -w '%{time_total}\n' "$base/plain"; done | sort -n | tail -1)
check "a hanging collector: 200 requests, the slowest took ${slowest}s (under 0.5 s)" "$(python3 -c "print($slowest < 0.5)")" "True"
# 1,500 more on one keep-alive connection: 3,000 spans behind a hanging export overflow the 2,048-span queue.
python3 - "$base" <<'PY'
import http.client, sys, urllib.parse
url = urllib.parse.urlparse(sys.argv[1])
connection = http.client.HTTPConnection(url.hostname, url.port)
for _ in range(1500):
    connection.request("GET", "/plain"); connection.getresponse().read()
PY
for _ in $(seq 40); do
  queue_drops=$(curl -s 127.0.0.1:26992/metrics | grep '^gwrun_telemetry_dropped_total{signal="traces"}' | awk '{print $2}')
  [ -n "$queue_drops" ] && break
  sleep 0.5
done
check "a hanging collector: spans beyond the queue are dropped and counted (${queue_drops:-none})" "$([ -n "$queue_drops" ] && echo yes)" "yes"
started=$(date +%s%N)
stop_gwrun
stopped=$((($(date +%s%N) - started) / 1000000))
check "a hanging collector: SIGTERM exits within the 3 s telemetry shutdown limit and the drain (${stopped} ms; swift-otel alone would wait up to 10 s)" "$([ "$stopped" -lt 5000 ] && echo yes)" "yes"
kill "$collector_pid"; wait "$collector_pid" 2>/dev/null
serve
for _ in $(seq 20); do check_code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$base/plain"); [ "$check_code" = 200 ] || break; done
check "no collector at all: requests answered" "$check_code" "200"
stop_gwrun
check "every SIGTERM: exit status 0, no crash in gwrun's log (statuses: ${exit_statuses% })" \
  "$(echo "$exit_statuses" | tr -s ' ' '\n' | grep -v '^$' | sort -u | tr '\n' ' ')$(grep -c 'Fatal error\|crashed' "$work/gwrun.err")" "0 0"
if grep -q "$fake_key" "$work/otlp.jsonl" "$work/gwrun.err"; then fail "no credential in spans or logs"; else ok "no credential in spans or logs"; fi
echo "e2e-otel: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
