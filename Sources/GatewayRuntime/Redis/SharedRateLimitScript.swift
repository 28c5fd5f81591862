/// The Lua script that runs a rule's rate-limit buckets inside Redis, atomically, in one round
/// trip (docs/redis.md). The buckets are `RateLimitBucket`'s, kept in a hash per bucket
/// (`tokens`, `next`: the next refill in Redis' milliseconds, so every replica shares one clock).
///
/// KEYS: the buckets. ARGV[1]: `admit` or `charge`; ARGV[2]: the requests to admit (the requests
/// of one rule that arrived on one event loop together: `SharedLimitBatch`), or the tokens to
/// charge; then four values per key: the unit (0 requests, 1 tokens), the limit per interval, the
/// capacity (limit plus burst) and the interval in milliseconds.
///
/// `admit` passes the requests through the buckets in order: a request bucket lets through as many
/// as it has tokens (taking one each), a token bucket all of them while it is above zero, none
/// otherwise; those a bucket stops go no further (the earlier buckets keep what they gave, as the
/// local buckets do). It returns {requests admitted, position of the first bucket that stopped
/// some (0: none), milliseconds until that bucket's next refill, or when none stopped any, until the
/// first refill of any bucket (how long a lease of these tokens may be used)}. `charge` takes the tokens from
/// every token bucket (down to minus its capacity). Each bucket expires when it would be full
/// again: idle keys go away.
enum SharedRateLimitScript {
    static let source = """
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    local admit = ARGV[1] == 'admit'
    local amount = tonumber(ARGV[2])
    local passing = amount
    local stopped = 0
    local reset = 0
    local soonest = -1
    for i, key in ipairs(KEYS) do
      local base = 2 + (i - 1) * 4
      local unit = tonumber(ARGV[base + 1])
      local limit = tonumber(ARGV[base + 2])
      local capacity = tonumber(ARGV[base + 3])
      local interval = tonumber(ARGV[base + 4])
      local state = redis.call('HMGET', key, 'tokens', 'next')
      local tokens = tonumber(state[1]) or capacity
      local nextFill = tonumber(state[2]) or (now + interval)
      if now >= nextFill then
        local periods = math.floor((now - nextFill) / interval) + 1
        tokens = math.min(capacity, tokens + periods * limit)
        nextFill = nextFill + periods * interval
      end
      if admit then
        local through = passing
        if unit == 0 then
          through = math.max(0, math.min(passing, math.floor(tokens)))
          tokens = tokens - through
        elseif tokens <= 0 then
          through = 0
        end
        if through < passing and stopped == 0 then stopped = i; reset = nextFill - now end
        if stopped == 0 and (soonest < 0 or nextFill - now < soonest) then soonest = nextFill - now end
        passing = through
      elseif unit == 1 then
        tokens = math.max(tokens - amount, -capacity)
      end
      redis.call('HSET', key, 'tokens', tokens, 'next', nextFill)
      local toFull = math.ceil((capacity - tokens) / limit)
      redis.call('PEXPIRE', key, (nextFill - now) + toFull * interval + 1000)
    end
    if stopped == 0 then reset = math.max(soonest, 0) end
    return {passing, stopped, reset}
    """
}
