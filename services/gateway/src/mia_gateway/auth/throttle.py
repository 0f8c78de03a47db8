"""Slowing password guessing: a token bucket per account and one per client address.

Checked before the password is, so a correct password sent during the wait is refused
too: a guesser learns nothing from the throttled window.
"""

from __future__ import annotations

from redis.asyncio import Redis

from mia_common.errors import TooManyRequests
from mia_common.ratelimit import TokenBucket

__all__ = ["IP_MULTIPLIER", "check_login_allowed"]

# One office behind one address has many people logging in; accounts get the strict limit.
IP_MULTIPLIER = 5


async def check_login_allowed(
    redis: Redis, *, email: str, ip: str | None, attempts_per_minute: int
) -> None:
    bucket = TokenBucket(redis, key_prefix="mia:gw:login")
    account = await bucket.acquire(
        f"acct:{email}", rate=attempts_per_minute / 60, capacity=attempts_per_minute
    )
    if not account.allowed:
        raise TooManyRequests(
            "too many login attempts for this account: wait and try again",
            retry_after=account.retry_after,
            code="login_throttled",
        )
    if ip:
        limit = attempts_per_minute * IP_MULTIPLIER
        address = await bucket.acquire(f"ip:{ip}", rate=limit / 60, capacity=limit)
        if not address.allowed:
            raise TooManyRequests(
                "too many login attempts from this address: wait and try again",
                retry_after=address.retry_after,
                code="login_throttled",
            )
