"""A token bucket in Redis, shared by every process that limits the same thing.

The gateway limits each API key; the sender keeps each channel account under its provider's
throughput (e.g. 80 messages per second). Many processes draw from one bucket, so the
check-and-take is a single Lua script: Redis runs it atomically, and it reads Redis's own
clock, so callers on machines with skewed clocks still agree on how many tokens there are.
"""

import asyncio
import math
import random
from dataclasses import dataclass
from typing import Final

from redis.asyncio import Redis

__all__ = ["RateDecision", "RateLimitTimeout", "TokenBucket"]

# KEYS[1]: the bucket hash {tokens, ts}; ARGV: rate (tokens/s), capacity, cost.
# Returns {allowed 0|1, whole tokens left, microseconds until `cost` tokens are available}.
_BUCKET_LUA: Final = """
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])

local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local last = tonumber(state[2])
if tokens == nil or last == nil then
  -- A bucket nobody used lately (or whose key expired) is full.
  tokens = capacity
  last = now
end
-- Never refill for time going backwards (a failover to a server whose clock is behind).
if now < last then
  now = last
end
tokens = math.min(capacity, tokens + (now - last) * rate / 1000000)

local allowed = 0
local wait_us = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  wait_us = math.ceil((cost - tokens) * 1000000 / rate)
end

-- string.format keeps full precision: Lua's default number-to-string keeps 14 digits,
-- which would round a microsecond timestamp to the nearest 100 us.
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens),
           'ts', string.format('%.0f', now))
-- Once idle long enough to refill completely the bucket equals a missing one: let it go.
redis.call('PEXPIRE', KEYS[1], string.format('%.0f', math.ceil(capacity * 1000 / rate) + 1000))
return {allowed, math.floor(tokens), wait_us}
"""


@dataclass(frozen=True, slots=True)
class RateDecision:
    """The answer to one ``acquire``."""

    allowed: bool
    remaining: int
    """Whole tokens left in the bucket after this call."""
    retry_after: float
    """Seconds until ``cost`` tokens will be available; 0 when allowed."""


class RateLimitTimeout(Exception):
    """``wait`` could not get tokens before its timeout."""

    def __init__(self, key: str, retry_after: float) -> None:
        super().__init__(f"rate limit {key!r}: no tokens before the timeout")
        self.key = key
        self.retry_after = retry_after


class TokenBucket:
    """Token buckets stored in Redis under ``<key_prefix>:<key>``, refilled continuously."""

    def __init__(self, redis: Redis, *, key_prefix: str = "mia:rl") -> None:
        self._redis = redis
        self._key_prefix = key_prefix
        self._script = redis.register_script(_BUCKET_LUA)

    def bucket_key(self, key: str) -> str:
        """The Redis key of the bucket named ``key``."""
        return f"{self._key_prefix}:{key}"

    async def acquire(self, key: str, *, rate: float, capacity: int, cost: int = 1) -> RateDecision:
        """Take ``cost`` tokens from bucket ``key`` if it has them; never waits.

        ``rate`` is the refill in tokens per second, ``capacity`` the burst the bucket
        holds (and starts with).
        """
        _check_limits(rate=rate, capacity=capacity, cost=cost)
        allowed, remaining, wait_us = await self._script(
            keys=[self.bucket_key(key)], args=[repr(float(rate)), capacity, cost]
        )
        return RateDecision(
            allowed=bool(allowed), remaining=int(remaining), retry_after=int(wait_us) / 1e6
        )

    async def wait(
        self,
        key: str,
        *,
        rate: float,
        capacity: int,
        cost: int = 1,
        # An explicit timeout rather than the caller's asyncio.timeout: knowing the deadline
        # lets wait() fail at once when the tokens cannot come in time, instead of sleeping.
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> RateDecision:
        """Take ``cost`` tokens, sleeping until the bucket has them.

        Raises ``RateLimitTimeout`` as soon as the tokens cannot be available before
        ``timeout`` seconds, rather than sleeping until the deadline to fail there.
        """
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            decision = await self.acquire(key, rate=rate, capacity=capacity, cost=cost)
            if decision.allowed:
                return decision
            # A little jitter so waiters woken together do not all retry in the same instant
            # and all but one lose again.
            delay = decision.retry_after * (1 + random.random() / 10)
            if deadline is not None:
                if loop.time() + decision.retry_after > deadline:
                    raise RateLimitTimeout(key, decision.retry_after)
                # The jitter must not carry the last try past the deadline.
                delay = min(delay, deadline - loop.time())
            await asyncio.sleep(delay)


def _check_limits(*, rate: float, capacity: int, cost: int) -> None:
    if not (math.isfinite(rate) and rate > 0):
        raise ValueError(f"rate must be a positive number of tokens per second, not {rate!r}")
    if capacity < 1:
        raise ValueError(f"capacity must be at least 1, not {capacity!r}")
    if not 1 <= cost <= capacity:
        # A cost above the capacity could never be paid: refuse rather than deny forever.
        raise ValueError(f"cost must be between 1 and the capacity {capacity}, not {cost!r}")
