/// The Lua script that runs a rule's rate-limit buckets inside Redis, atomically, in one round
/// trip (docs/redis.md). The buckets are `RateLimitBucket`'s, kept in a hash per bucket
/// (`tokens`, `next`: the next refill in Redis' milliseconds, so every replica shares one clock).
///
/// KEYS: the buckets. ARGV[1]: `admit` or `charge`; ARGV[2]: the tokens to charge; then four
/// values per key: the unit (0 requests, 1 tokens), the limit per interval, the capacity (limit
/// plus burst) and the interval in milliseconds.
///
/// `admit` takes a token from each request bucket in order and checks that each token bucket is
/// above zero; the first that refuses ends the script (the earlier ones keep what they took, as
/// the local buckets do). It returns {refused key's position (0: none), remaining, milliseconds
/// until that bucket's next refill}. `charge` takes the tokens from every token bucket (down to
/// minus its capacity). Each bucket expires when it would be full again: idle keys go away.
enum SharedRateLimitScript {
    static let source = """
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    local admit = ARGV[1] == 'admit'
    local amount = tonumber(ARGV[2])
    local remaining = -1
    local soonest = 0
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
      local refused = false
      if admit then
        if unit == 0 then
          if tokens >= 1 then tokens = tokens - 1 else refused = true end
        elseif tokens <= 0 then
          refused = true
        end
      elseif unit == 1 then
        tokens = math.max(tokens - amount, -capacity)
      end
      redis.call('HSET', key, 'tokens', tokens, 'next', nextFill)
      local toFull = math.ceil((capacity - tokens) / limit)
      redis.call('PEXPIRE', key, (nextFill - now) + toFull * interval + 1000)
      if refused then return {i, 0, nextFill - now} end
      if remaining < 0 or tokens < remaining then remaining = math.max(tokens, 0); soonest = nextFill - now end
    end
    return {0, remaining, soonest}
    """
}
