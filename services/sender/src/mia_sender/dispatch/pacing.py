"""Keeping each account under its provider throughput, and each customer under the pair rate.

Both limits are token buckets kept in Redis, in their GCRA form (the "generic cell rate
algorithm": a bucket stored as the one timestamp at which it will next be full), run as
Lua on Redis's clock so every replica agrees:

- **Account throughput.** A bucket of one token refilled at ``throughput * (1 - headroom)``
  per second. A dispatcher *reserves* the next ``n`` slots in one call and makes call ``i``
  at its slot: consecutive calls of an account are always at least one refill apart,
  whichever replica makes them, so no one-second window at the provider holds more than
  the throughput (a bucket holding more than one token would allow a full bucket plus a
  second's refill in one second). The headroom absorbs network jitter between our clock
  and the provider's arrival times. Reserving a claim's worth of slots at once costs one
  Redis round trip per claim instead of one or two per message.
- **Pair rate.** A bucket per account and customer (Meta: about one message every 6 s to
  the same customer, short bursts tolerated), checked without waiting and in one pipeline
  for a whole claim: a customer over it has their send held back while other customers'
  sends go on.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from redis.asyncio import Redis

__all__ = ["Pacer", "PairDecision"]

# KEYS[1]: the account's next free slot (µs, Redis clock); ARGV: interval (µs), slots.
# Returns {microseconds from now until the first reserved slot, interval µs}.
_RESERVE_LUA: Final = """
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

# KEYS[1]: the customer's bucket as its theoretical arrival time (µs); ARGV: interval (µs),
# burst. Returns {allowed 0|1, microseconds until allowed}.
_PAIR_LUA: Final = """
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


@dataclass(frozen=True, slots=True)
class PairDecision:
    allowed: bool
    retry_after: float
    """Seconds until this customer may get a message; 0 when allowed."""


class Pacer:
    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str,
        headroom: float,
        pair_rate: float,
        pair_burst: int,
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._headroom = headroom
        self._pair_interval_us = int(1_000_000 / pair_rate)
        self._pair_burst = pair_burst
        self._reserve = redis.register_script(_RESERVE_LUA)
        self._pair = redis.register_script(_PAIR_LUA)

    def account_rate(self, throughput_per_second: int) -> float:
        return max(0.1, throughput_per_second * (1 - self._headroom))

    async def reserve(
        self, account_id: uuid.UUID, throughput_per_second: int, slots: int
    ) -> list[float]:
        """Reserve the account's next ``slots`` calls; seconds from now until each may go."""
        interval_us = int(1_000_000 / self.account_rate(throughput_per_second))
        first_us, step_us = await self._reserve(
            keys=[f"{self._prefix}:pace:account:{account_id}"], args=[interval_us, slots]
        )
        return [(int(first_us) + i * int(step_us)) / 1_000_000 for i in range(slots)]

    async def try_recipients(
        self, account_id: uuid.UUID, recipient_keys: Sequence[str]
    ) -> list[PairDecision]:
        """Take each customer's pair token if they have one (one pipeline for all)."""
        if not recipient_keys:
            return []
        async with self._redis.pipeline(transaction=False) as pipe:
            for key in recipient_keys:
                await self._pair(
                    keys=[f"{self._prefix}:pace:pair:{account_id}:{key}"],
                    args=[self._pair_interval_us, self._pair_burst],
                    client=pipe,
                )
            answers = await pipe.execute()
        return [
            PairDecision(allowed=bool(allowed), retry_after=int(wait_us) / 1_000_000)
            for allowed, wait_us in answers
        ]
