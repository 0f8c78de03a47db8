"""Meta's daily messaging limit: unique customers reached outside the window per portfolio.

A business portfolio may start conversations (templates to customers whose window is
closed) with a limited number of unique customers per rolling 24 hours: its messaging
tier (250, 2,000, 10,000, 100,000 or unlimited). The limit belongs to the portfolio
(``business_id``), so every number of it shares one count; without a portfolio id the
WhatsApp Business Account, then the number itself, stands in.

The count is a Redis sorted set per portfolio: member = customer, score = when they were
first reached in the window. One Lua script (``RedisScripts.admit_unique_many``) drops what
left the window, says whether the customer is already counted, and adds a new one only
below the limit, atomically across replicas. A customer is counted when the send is
dispatched, before the provider answers: a refused send may over-count a little, never
under-count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from redis.asyncio import Redis

from mia_common.redis_scripts import RedisScripts
from mia_sender.models import ChannelAccount

__all__ = ["DailyLimits", "LimitDecision", "LimitUsage", "portfolio_of"]

_WINDOW_MS: Final = 24 * 3600 * 1000


def portfolio_of(account: ChannelAccount) -> str:
    """What the limit is counted per: the portfolio, else the WABA, else the number."""
    if account.business_id:
        return f"business:{account.business_id}"
    if account.waba_id:
        return f"waba:{account.waba_id}"
    return f"account:{account.id}"


@dataclass(frozen=True, slots=True)
class LimitDecision:
    allowed: bool
    count: int
    newly_counted: bool


@dataclass(frozen=True, slots=True)
class LimitUsage:
    used: int
    oldest_at: datetime | None

    @property
    def resets_at(self) -> datetime | None:
        """When the oldest counted customer leaves the rolling window, freeing a place."""
        return (
            None if self.oldest_at is None else self.oldest_at + timedelta(milliseconds=_WINDOW_MS)
        )


class DailyLimits:
    def __init__(self, redis: Redis, *, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        self._scripts = RedisScripts.of(redis)

    def _key(self, portfolio: str) -> str:
        return f"{self._prefix}:daily:{portfolio}"

    async def admit_many(
        self, portfolio: str, customers: list[str], limit: int | None
    ) -> list[LimitDecision]:
        """Count each customer in order unless the portfolio reached ``limit`` (None: no
        limit); one round trip for all."""
        admissions = await self._scripts.admit_unique_many(
            self._key(portfolio), members=customers, limit=limit, window_ms=_WINDOW_MS
        )
        return [
            LimitDecision(allowed=a.allowed, count=a.count, newly_counted=a.newly_counted)
            for a in admissions
        ]

    async def usage(self, portfolio: str) -> LimitUsage:
        key = self._key(portfolio)
        now_ms = int(datetime.now(UTC).timestamp() * 1000)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(key, "-inf", now_ms - _WINDOW_MS)
            pipe.zcard(key)
            pipe.zrange(key, 0, 0, withscores=True)
            _, used, oldest = await pipe.execute()
        oldest_at = datetime.fromtimestamp(oldest[0][1] / 1000, UTC) if oldest else None
        return LimitUsage(used=int(used), oldest_at=oldest_at)
