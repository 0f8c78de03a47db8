"""The platform's Redis Lua scripts, in one place, registered once per client.

Every script here is a check-and-change that must be atomic across replicas, and each one
reads Redis's own clock (``TIME``) where time matters, so processes on machines with
skewed clocks still agree. ``RedisScripts.of(redis)`` registers them all on a client the
first time it is asked and returns the same object afterwards; the ``*_many`` forms send
one script for many keys in one pipeline (one round trip).

- **slot reservation** (``reserve_slots``): the next ``n`` evenly spaced slots of a rate,
  the generic cell rate algorithm (GCRA) as a single "next free slot" timestamp. The
  sender paces each channel account with it: consecutive calls are at least one interval
  apart whichever replica makes them.
- **GCRA take** (``gcra_take``): one token of a bucket with a burst, without waiting;
  the sender's per-customer pair rate.
- **token bucket** (``token_bucket``): rate + capacity + cost, with the tokens left; the
  gateway's API-key throttle (``mia_common.ratelimit``).
- **newest timestamp** (``keep_newest``): set a key to a time unless it already holds a
  later one, expiring it a fixed time after that; the sender's 24-hour windows.
- **rolling unique count** (``admit_unique``): a sorted set of members first seen within
  a rolling window, admitting a new member only below a limit; Meta's daily messaging
  limit of unique customers.
- **many keys, one expiry** (``set_all_expiring``): not a check, one round trip for a
  batch of ``SET key value EX ttl`` (redis-py's pipeline costs more in Python than the
  commands it carries); the webhook edge's "seen" marks.
- **owner-only renew and release** (``renew_if_owner``, ``release_if_owner``): a lease
  taken with ``SET key owner NX PX ttl`` is extended or dropped only by its holder, so a
  holder that stalled past its lease never extends or drops its successor's.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

__all__ = ["GcraDecision", "RedisScripts", "TokenBucketDecision", "UniqueAdmission"]

# KEYS[1]: the next free slot (µs, Redis clock); ARGV: interval (µs), slots.
# Returns {µs from now until the first reserved slot, interval µs}.
_RESERVE_SLOTS: Final = """
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local interval = tonumber(ARGV[1])
local slots = tonumber(ARGV[2])
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local first = math.max(free, now)
local after = first + slots * interval
redis.call('SET', KEYS[1], string.format('%.0f', after),
           'PX', math.ceil((after - now) / 1000) + 1000)
return {first - now, interval}
"""

# KEYS[1]: the bucket as its theoretical arrival time (µs); ARGV: interval (µs), burst.
# Returns {allowed 0|1, µs until allowed}.
_GCRA_TAKE: Final = """
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local interval = tonumber(ARGV[1])
local tolerance = (tonumber(ARGV[2]) - 1) * interval
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
if tat - now > tolerance then
  return {0, tat - now - tolerance}
end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', next_tat),
           'PX', math.ceil((next_tat - now) / 1000) + 1000)
return {1, 0}
"""

# KEYS[1]: the bucket hash {tokens, ts}; ARGV: rate (tokens/s), capacity, cost.
# Returns {allowed 0|1, whole tokens left, µs until `cost` tokens are available}.
_BUCKET: Final = """
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

# KEYS[1]: the key; ARGV: the time (ms since epoch), how long after it the key lives (ms).
# Keeps the newest time: an older one replayed never shortens what a newer one set.
_KEEP_NEWEST: Final = """
local at = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current >= at then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', at + tonumber(ARGV[2]))
return 1
"""

# KEYS: the keys; ARGV: their value, the seconds they live.
_SET_ALL_EXPIRING: Final = """
for _, key in ipairs(KEYS) do
  redis.call('SET', key, ARGV[1], 'EX', ARGV[2])
end
return #KEYS
"""

# KEYS[1]: the sorted set; ARGV: member, limit (-1: none), window (ms).
# Returns {allowed 0|1, count after, newly counted 0|1}.
_ADMIT_UNIQUE: Final = """
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return {1, redis.call('ZCARD', KEYS[1]), 0}
end
local count = redis.call('ZCARD', KEYS[1])
local limit = tonumber(ARGV[2])
if limit >= 0 and count >= limit then
  return {0, count, 0}
end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], window)
return {1, count + 1, 1}
"""

_RENEW_IF_OWNER: Final = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

_RELEASE_IF_OWNER: Final = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


@dataclass(frozen=True, slots=True)
class GcraDecision:
    allowed: bool
    retry_after_us: int
    """Microseconds until a token is there; 0 when allowed."""


@dataclass(frozen=True, slots=True)
class TokenBucketDecision:
    allowed: bool
    remaining: int
    """Whole tokens left after this call."""
    retry_after_us: int
    """Microseconds until ``cost`` tokens are there; 0 when allowed."""


@dataclass(frozen=True, slots=True)
class UniqueAdmission:
    allowed: bool
    count: int
    """Members in the window after this call."""
    newly_counted: bool


_REGISTERED: weakref.WeakKeyDictionary[Redis, RedisScripts] = weakref.WeakKeyDictionary()


class RedisScripts:
    """Every script registered on one client; the ``*_many`` forms run one script for many
    keys or members in one pipeline (one round trip)."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._reserve_slots = redis.register_script(_RESERVE_SLOTS)
        self._gcra_take = redis.register_script(_GCRA_TAKE)
        self._token_bucket = redis.register_script(_BUCKET)
        self._keep_newest = redis.register_script(_KEEP_NEWEST)
        self._admit_unique = redis.register_script(_ADMIT_UNIQUE)
        self._set_all_expiring = redis.register_script(_SET_ALL_EXPIRING)
        self._renew_if_owner = redis.register_script(_RENEW_IF_OWNER)
        self._release_if_owner = redis.register_script(_RELEASE_IF_OWNER)

    @classmethod
    def of(cls, redis: Redis) -> RedisScripts:
        """The scripts of ``redis``, registered on first use."""
        scripts = _REGISTERED.get(redis)
        if scripts is None:
            scripts = _REGISTERED[redis] = cls(redis)
        return scripts

    async def _many(self, script: AsyncScript, calls: list[tuple[list[str], list[Any]]]) -> Any:
        async with self.redis.pipeline(transaction=False) as pipe:
            for keys, args in calls:
                await script(keys=keys, args=args, client=pipe)
            return await pipe.execute()

    async def reserve_slots(self, key: str, *, interval_us: int, slots: int) -> list[int]:
        """Reserve the next ``slots`` slots ``interval_us`` apart; µs from now until each."""
        first, step = await self._reserve_slots(keys=[key], args=[interval_us, slots])
        return [int(first) + i * int(step) for i in range(slots)]

    async def gcra_take_many(
        self, keys: Sequence[str], *, interval_us: int, burst: int
    ) -> list[GcraDecision]:
        """Take one token of each bucket if it has one (never waits)."""
        if not keys:
            return []
        answers = await self._many(self._gcra_take, [([key], [interval_us, burst]) for key in keys])
        return [
            GcraDecision(allowed=bool(allowed), retry_after_us=int(wait_us))
            for allowed, wait_us in answers
        ]

    async def token_bucket(
        self, key: str, *, rate: float, capacity: float, cost: float = 1
    ) -> TokenBucketDecision:
        allowed, remaining, wait_us = await self._token_bucket(
            keys=[key], args=[rate, capacity, cost]
        )
        return TokenBucketDecision(
            allowed=bool(allowed), remaining=int(remaining), retry_after_us=int(wait_us)
        )

    async def keep_newest_many(self, keys: Sequence[str], *, at_ms: int, ttl_ms: int) -> None:
        """Set each key to ``at_ms`` unless it holds a later time; a key set expires
        ``ttl_ms`` after ``at_ms``."""
        if keys:
            await self._many(self._keep_newest, [([key], [at_ms, ttl_ms]) for key in keys])

    async def set_all_expiring(
        self, keys: Sequence[str], *, value: str | bytes, ttl_seconds: int
    ) -> None:
        """``SET key value EX ttl_seconds`` for each key, in one call."""
        if keys:
            await self._set_all_expiring(keys=list(keys), args=[value, ttl_seconds])

    async def admit_unique_many(
        self, key: str, *, members: Sequence[str], limit: int | None, window_ms: int
    ) -> list[UniqueAdmission]:
        """For each member in order: count it in the rolling window unless ``limit`` (None:
        none) members are counted already; one already counted is always admitted."""
        if not members:
            return []
        args_limit = -1 if limit is None else limit
        answers = await self._many(
            self._admit_unique, [([key], [member, args_limit, window_ms]) for member in members]
        )
        return [
            UniqueAdmission(allowed=bool(allowed), count=int(count), newly_counted=bool(new))
            for allowed, count, new in answers
        ]

    async def renew_if_owner(self, key: str, *, owner: str, ttl_ms: int) -> bool:
        return bool(await self._renew_if_owner(keys=[key], args=[owner, ttl_ms]))

    async def release_if_owner(self, key: str, *, owner: str) -> bool:
        return bool(await self._release_if_owner(keys=[key], args=[owner]))
