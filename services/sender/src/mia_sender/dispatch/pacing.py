"""Keeping each account under its provider throughput, and each customer under the pair rate.

Both limits are token buckets kept in Redis, in their GCRA form (the "generic cell rate
algorithm": a bucket stored as the one timestamp at which it will next be full), run as
Lua on Redis's clock so every replica agrees (``mia_common.redis_scripts``):

- **Account throughput.** A bucket of one token refilled at ``throughput * (1 - headroom)``
  per second. A dispatcher *reserves* the next ``n`` slots in one call and makes call ``i``
  no earlier than its slot, whichever replica makes it: over any stretch of time an
  account gets no more than the paced rate. Reserving a claim's worth of slots at once
  costs one Redis round trip per claim instead of one or two per message.
- **Any one second** (``SecondWindow``, in the dispatcher): at most the paced rate's
  worth of calls in any trailing second. A call whose slot a late wake-up of the event
  loop missed goes as soon as the second has room, instead of the slot being lost for good
  (requiring a full slot between any two calls lost a third of the rate on a busy
  machine). The cap is the paced rate, not the throughput, so the whole headroom still
  absorbs network jitter between our clock and the provider's arrival times (capping at
  half the headroom let a loaded machine's bunched arrivals exceed Meta's second).
- **Pair rate.** A bucket per account and customer (Meta: about one message every 6 s to
  the same customer, short bursts tolerated), checked without waiting and in one pipeline
  for a whole claim: a customer over it has their send held back while other customers'
  sends go on.
"""

from __future__ import annotations

import asyncio
import math
import uuid
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from redis.asyncio import Redis

from mia_common.redis_scripts import RedisScripts

__all__ = ["Pacer", "PairDecision", "SecondWindow"]


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
        self._scripts = RedisScripts.of(redis)

    def account_rate(self, throughput_per_second: int) -> float:
        return max(0.1, throughput_per_second * (1 - self._headroom))

    def calls_per_second(self, throughput_per_second: int) -> int:
        """The most calls one account makes in any trailing second (``SecondWindow``)."""
        return max(1, math.floor(self.account_rate(throughput_per_second)))

    async def reserve(
        self, account_id: uuid.UUID, throughput_per_second: int, slots: int
    ) -> list[float]:
        """Reserve the account's next ``slots`` calls; seconds from now until each may go."""
        interval_us = int(1_000_000 / self.account_rate(throughput_per_second))
        slots_us = await self._scripts.reserve_slots(
            f"{self._prefix}:pace:account:{account_id}", interval_us=interval_us, slots=slots
        )
        return [slot / 1_000_000 for slot in slots_us]

    async def try_recipients(
        self, account_id: uuid.UUID, recipient_keys: Sequence[str]
    ) -> list[PairDecision]:
        """Take each customer's pair token if they have one (one round trip for all)."""
        decisions = await self._scripts.gcra_take_many(
            [f"{self._prefix}:pace:pair:{account_id}:{key}" for key in recipient_keys],
            interval_us=self._pair_interval_us,
            burst=self._pair_burst,
        )
        return [
            PairDecision(allowed=d.allowed, retry_after=d.retry_after_us / 1_000_000)
            for d in decisions
        ]


class SecondWindow:
    """The calls one dispatcher made in the trailing second; ``take`` waits for room."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._calls: deque[float] = deque()

    @property
    def last(self) -> float:
        """When the last call was taken (the event loop's time; 0 before any)."""
        return self._calls[-1] if self._calls else 0.0

    async def take(self) -> float:
        """Wait until a call fits in the trailing second, count it, and return its time
        (the event loop's). Check and count happen with no await between them, so two
        pacing tasks of one dispatcher never both take the last place."""
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            while self._calls and self._calls[0] <= now - 1.0:
                self._calls.popleft()
            if len(self._calls) < self.limit:
                self._calls.append(now)
                return now
            await asyncio.sleep(self._calls[0] + 1.0 - now)
