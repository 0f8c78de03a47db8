"""Slowing password guessing: a token bucket per account and one per client address.

Checked before the password is, so a correct password sent during the wait is refused
too: a guesser learns nothing from the throttled window. One ``LoginThrottle`` per
process (on the context); the buckets live in Redis, shared by every gateway replica.
A limit of 0 turns the throttle off. The request rate limits of signed-in callers are
``mia_gateway.ratelimits``.
"""

from __future__ import annotations

from redis.asyncio import Redis

from mia_common.errors import TooManyRequests
from mia_common.ratelimit import TokenBucket

__all__ = ["IP_MULTIPLIER", "LoginThrottle"]

# One office behind one address has many people logging in; accounts get the strict limit.
IP_MULTIPLIER = 5


class LoginThrottle:
    def __init__(self, redis: Redis, *, attempts_per_minute: int) -> None:
        self._bucket = TokenBucket(redis, key_prefix="mia:gw:login")
        self.attempts_per_minute = attempts_per_minute

    async def check(self, *, email: str, ip: str | None) -> None:
        """Take one attempt from the account's and the address's buckets, or refuse (429)."""
        limit = self.attempts_per_minute
        if limit <= 0:
            # Disabled (MIA_GATEWAY_LOGIN_ATTEMPTS_PER_MINUTE=0), as the request limits are.
            return
        account = await self._bucket.acquire(f"acct:{email}", rate=limit / 60, capacity=limit)
        if not account.allowed:
            raise TooManyRequests(
                "too many login attempts for this account: wait and try again",
                retry_after=account.retry_after,
                code="login_throttled",
            )
        if ip:
            limit *= IP_MULTIPLIER
            address = await self._bucket.acquire(f"ip:{ip}", rate=limit / 60, capacity=limit)
            if not address.allowed:
                raise TooManyRequests(
                    "too many login attempts from this address: wait and try again",
                    retry_after=address.retry_after,
                    code="login_throttled",
                )
