"""A token bucket in Redis, shared by every process that limits the same thing.

The gateway limits each API key; the sender keeps each channel account under its provider's
throughput (e.g. 80 messages per second). Many processes draw from one bucket, so the
check-and-take is a single Lua script (``token_bucket`` in ``mia_common.redis_scripts``):
Redis runs it atomically, and it reads Redis's own clock, so callers on machines with
skewed clocks still agree on how many tokens there are.
"""

from __future__ import annotations

import asyncio
import math
import random
from dataclasses import dataclass

from redis.asyncio import Redis

from mia_common.redis_scripts import RedisScripts

__all__ = ["RateDecision", "RateLimitTimeout", "TokenBucket"]


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
        self._scripts = RedisScripts.of(redis)

    def bucket_key(self, key: str) -> str:
        """The Redis key of the bucket named ``key``."""
        return f"{self._key_prefix}:{key}"

    async def acquire(self, key: str, *, rate: float, capacity: int, cost: int = 1) -> RateDecision:
        """Take ``cost`` tokens from bucket ``key`` if it has them; never waits.

        ``rate`` is the refill in tokens per second, ``capacity`` the burst the bucket
        holds (and starts with).
        """
        _check_limits(rate=rate, capacity=capacity, cost=cost)
        answer = await self._scripts.token_bucket(
            self.bucket_key(key), rate=float(rate), capacity=capacity, cost=cost
        )
        return RateDecision(
            allowed=answer.allowed,
            remaining=answer.remaining,
            retry_after=answer.retry_after_us / 1e6,
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
