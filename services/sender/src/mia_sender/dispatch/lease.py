"""One dispatcher per account across replicas: a Redis lease, renewed while held.

``SET key owner NX PX ttl`` takes the lease; the holder renews it well before it expires
and releases it when done, both only if it still holds it (compare-and-set in Lua,
``mia_common.redis_scripts``), so a
holder that stalled past its lease can never extend or drop its successor's. A holder
that dies stops renewing, and another replica takes over once the lease expires.
"""

from __future__ import annotations

from redis.asyncio import Redis

from mia_common.redis_scripts import RedisScripts

__all__ = ["Lease"]


class Lease:
    def __init__(self, redis: Redis, *, key: str, owner: str, ttl_seconds: float) -> None:
        self._redis = redis
        self.key = key
        self._owner = owner
        self._ttl_ms = int(ttl_seconds * 1000)
        self._scripts = RedisScripts.of(redis)

    async def acquire(self) -> bool:
        return bool(await self._redis.set(self.key, self._owner, nx=True, px=self._ttl_ms))

    async def renew(self) -> bool:
        return await self._scripts.renew_if_owner(self.key, owner=self._owner, ttl_ms=self._ttl_ms)

    async def release(self) -> None:
        await self._scripts.release_if_owner(self.key, owner=self._owner)
