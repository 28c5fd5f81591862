#!/usr/bin/env bash
# Several gwrun replicas, one set of limits (#16): three gwrun processes share one redis-server
# (--redis, with a password from a file) and serve testing/shared-limits. Clients spread over the
# three get the request limit's 60 answers and 429 for the rest, and the token limit is charged
# from streamed answers on every replica. Redis paused (SIGSTOP) and then stopped mid-test: the
# FailOpen replicas keep serving with their own buckets, a FailClosed replica answers 503, no
# request waits past the deadline; Redis started again: the shared limits resume without a restart.
# A higher limit, where each loop leases tokens from Redis, is never exceeded. Budgets (gwc's
# Budget kind): one identity's tokens and cost per day, charged on one replica, refuse it on every
# other, with the OpenAI error shape the openai SDK reads and the window's end; another identity
# keeps its own.
source "$(dirname "$0")/lib/e2e-common.sh"
command -v redis-server >/dev/null || { echo "FAIL redis-server is not installed (scripts/setup.sh installs it)"; exit 1; }
use_client_venvs
mount_openai_secret
mkdir -p "$work/secrets/agentgateway-system/client-keys"
printf 'sk-budget-team-a-0001' > "$work/secrets/agentgateway-system/client-keys/team-a"
printf 'sk-budget-team-b-0002' > "$work/secrets/agentgateway-system/client-keys/team-b"
.build/debug/gwc build testing/shared-limits -o "$work/routes.gwt" >/dev/null || exit 1
redis_port=26379
password=e2e-redis-password-marker
printf '%s\n' "$password" > "$work/redis-password"
start_redis() {
  start redis-server --port $redis_port --bind 127.0.0.1 --save "" --appendonly no --requirepass "$password" --dir "$work" --logfile "$work/redis.log"
  redis_pid=$last_pid
  wait_port $redis_port
}
rcli() { redis-cli -p $redis_port --no-auth-warning -a "$password" "$@"; }
start_redis
start python3 testing/standin-openai.py --port 18894 --expect-key "$openai_key"
wait_port 18894
# Replica n listens on 8090 + 100 n + 17000 and has admin port 26900 + n; replica 4 is FailClosed.
ports=()
for n in 1 2 3 4; do
  mode=FailOpen; [ $n -eq 4 ] && mode=FailClosed
  start .build/debug/gwrun --table "$work/routes.gwt" --secrets-dir "$work/secrets" --listen-address 127.0.0.1 \
    --port-offset $((17000 + 100 * n)) --admin-port $((26900 + n)) --redis redis://127.0.0.1:$redis_port \
    --redis-password-file "$work/redis-password" --redis-timeout-ms 50 --redis-failure-mode $mode > /dev/null 2> "$work/gwrun-$n.err"
  ports+=($((25090 + 100 * n)))
done
for n in 1 2 3 4; do wait_ready $((26900 + n)); done
replicas="${ports[0]} ${ports[1]} ${ports[2]}"
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2], 0))' "$1" "$2"; }
fallbacks() { curl -s "127.0.0.1:$((26900 + $1))/metrics" | awk '$1 == "gwrun_shared_limit_fallbacks_total" { print $2 }'; }

echo "-- a request limit of 60 per minute, 150 requests from 6 threads over three replicas"
result=$(python3 testing/shared_limits_clients.py requests 150 6 $replicas)
echo "   $result"
check "60 answered" "$(field "$result" 200)" 60
check "90 refused with 429" "$(field "$result" 429)" 90
check "no replica fell back to its own buckets (fallback counters 0 0 0)" "$(fallbacks 1) $(fallbacks 2) $(fallbacks 3)" "0 0 0"
each=$(for n in 1 2 3; do curl -s "127.0.0.1:$((26900 + n))/metrics" | grep -c 'status="200"' ; done | tr -d '\n')
[ "$each" != "" ] && ok "metrics answered on every replica" || fail "metrics"

echo "-- a token limit of 500 per minute, streamed answers of 53 tokens, one client going round the replicas"
result=$(python3 testing/shared_limits_clients.py tokens 20 1 $replicas)
echo "   $result"
check "10 streamed answers before the bucket is spent (500 / 53, admitted while above zero)" "$(field "$result" 200)" 10
check "the rest refused with 429" "$(field "$result" 429)" 10

echo "-- a limit of 1,000 per minute, where each event loop leases 2 tokens at a time: 1,300 requests over three replicas"
result=$(python3 testing/shared_limits_clients.py leased 1300 6 $replicas)
echo "   $result"
answered=$(field "$result" 200)
echo "   decided locally (Redis late): $(fallbacks 1) $(fallbacks 2) $(fallbacks 3)"
# Never above the limit; below it by at most the tokens leased and unused (2 per loop, a loop per core, 3 replicas).
stranded=$((2 * $(nproc) * 3))
[ "$answered" -le 1000 ] && [ "$answered" -ge $((1000 - stranded)) ] && ok "$answered answered: the limit, less at most the $stranded tokens leases can strand" || fail "leased limit" "$answered answered"

echo "-- a budget of 530 tokens a day per identity: team-a's streamed answers (53 tokens) going round the three replicas"
budget() { "$venv/bin/python" testing/budget_clients.py "$@"; }
result=$(budget sk-budget-team-a-0001 budget-tokens 14 $replicas)
echo "   $result"
check "team-a: 10 streamed answers, then the budget is spent" "$(field "$result" 200)" 10
check "team-a: the other 4 refused with 429" "$(field "$result" 429)" 4
check "the 11th request, on the next replica, was refused there: the budget is shared" "$(field "$result" first_refused_by)" 1
check "the openai SDK reads code budget_exceeded" "$(field "$result" code)" budget_exceeded
tomorrow=$(python3 -c 'import datetime; d = datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=1); print(d.isoformat() + "T00:00:00Z")')
check "x-budget-reset is the next midnight (UTC)" "$(field "$result" reset)" "$tomorrow"
retry=$(field "$result" retry_after)
[ "$retry" -ge 1 ] && [ "$retry" -le 86400 ] && ok "retry-after is the seconds to the window's end ($retry)" || fail "retry-after" "$retry"
result=$(budget sk-budget-team-a-0001 budget-tokens 3 $replicas)
check "team-a is refused on every replica (3 of 3)" "$(field "$result" 429)" 3
result=$(budget sk-budget-team-b-0002 budget-tokens 3 $replicas)
check "team-b keeps its own budget (3 answered)" "$(field "$result" 200)" 3

echo "-- a cost budget of 3.20 a day in Europe/Berlin: 0.64 an answer at the route's prices"
result=$(budget sk-budget-team-a-0001 budget-cost 8 $replicas)
echo "   $result"
check "team-a: 5 answers for 3.20" "$(field "$result" 200)" 5
check "team-a: then 429" "$(field "$result" 429)" 3
berlin=$(python3 -c '
import datetime, zoneinfo
zone = zoneinfo.ZoneInfo("Europe/Berlin"); now = datetime.datetime.now(zone)
midnight = datetime.datetime.combine(now.date() + datetime.timedelta(days=1), datetime.time(), zone)
print(midnight.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))')
check "x-budget-reset is the next midnight in Berlin" "$(field "$result" reset)" "$berlin"
spent=$(rcli --scan --pattern 'gwrun:{budget}:agentgateway-system/daily-cost*api-key:team-a' | head -1)
check "Redis holds team-a's cost in millionths of millionths (5 x 0.64)" "$(rcli get "$spent")" 3200000000000

echo "-- what Redis holds"
keys=$(rcli --scan --pattern 'gwrun:*' | sort)
echo "$keys" | sed 's/^/   /'
check "one key per bucket" "$(echo "$keys" | grep -c '{ratelimit}')" 3
check "one key per budget limit and identity (2 x 2 tokens, 1 cost)" "$(echo "$keys" | grep -c '{budget}')" 5
no_expiry=$(for key in $keys; do rcli pttl "$key"; done | awk '$1 < 0' | wc -l)
check "every key expires" "$no_expiry" 0
grep -q "$password" "$work"/gwrun-*.err && fail "the Redis password appears in gwrun's log" || ok "the Redis password is in no log"

echo "-- Redis paused (SIGSTOP): no request waits past the 50 ms deadline by much"
kill -STOP "$redis_pid"
result=$(python3 testing/shared_limits_clients.py requests 9 3 $replicas)
echo "   FailOpen: $result"
slow=$(python3 -c 'import json,sys; print(1 if json.loads(sys.argv[1])["slowest_ms"] < 1000 else 0)' "$result")
check "FailOpen replicas answered every request within a second" "$slow" 1
check "FailOpen: local buckets decided (they were full: 9 answered)" "$(field "$result" 200)" 9
result=$(python3 testing/shared_limits_clients.py requests 3 1 ${ports[3]})
echo "   FailClosed: $result"
check "the FailClosed replica answered 503" "$(field "$result" 503)" 3
kill -CONT "$redis_pid"

echo "-- Redis stopped"
kill "$redis_pid"; wait "$redis_pid" 2>/dev/null
result=$(python3 testing/shared_limits_clients.py requests 30 3 $replicas)
echo "   FailOpen: $result"
check "FailOpen replicas kept serving" "$(field "$result" 200)" 30
result=$(python3 testing/shared_limits_clients.py requests 3 1 ${ports[3]})
check "the FailClosed replica answered 503" "$(field "$result" 503)" 3
result=$(budget sk-budget-team-b-0002 budget-tokens 3 $replicas)
check "FailOpen: budgets decided by each replica's own amounts (3 answered)" "$(field "$result" 200)" 3
result=$(budget sk-budget-team-b-0002 budget-tokens 2 ${ports[3]})
check "FailClosed: budgets cannot be checked, 503" "$(field "$result" 503)" 2
total=$(( $(fallbacks 1) + $(fallbacks 2) + $(fallbacks 3) ))
[ "$total" -ge 42 ] && ok "fallbacks counted ($total)" || fail "fallbacks counted" "$total, expected at least 42"

echo "-- Redis started again (empty): the shared limit resumes without restarting gwrun"
start_redis
sleep 6   # past the longest reconnect backoff (5 s)
result=$(python3 testing/shared_limits_clients.py requests 150 6 $replicas)
echo "   $result"
check "60 answered again" "$(field "$result" 200)" 60
result=$(python3 testing/shared_limits_clients.py requests 3 1 ${ports[3]})
echo "   FailClosed: $result"
check "the FailClosed replica sees the same spent limit (429)" "$(field "$result" 429)" 3

echo "shared limits: $passed passed, $failed failed"
[ $failed -eq 0 ] || { tail -n 5 "$work"/gwrun-*.err; exit 1; }
