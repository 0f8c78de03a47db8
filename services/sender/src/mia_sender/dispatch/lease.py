"""One dispatcher per account across replicas: a Redis lease, renewed while held.

``SET key owner NX PX ttl`` takes the lease; the holder renews it well before it expires
and releases it when done, both only if it still holds it (compare-and-set in Lua), so a
holder that stalled past its lease can never extend or drop its successor's. A holder
that dies stops renewing, and another replica takes over once the lease expires.
"""

from __future__ import annotations

from typing import Final

from redis.asyncio import Redis

__all__ = ["Lease"]

_RENEW_LUA: Final = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE_LUA: Final = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class Lease:
    def __init__(self, redis: Redis, *, key: str, owner: str, ttl_seconds: float) -> None:
        self._redis = redis
        self.key = key
        self._owner = owner
        self._ttl_ms = int(ttl_seconds * 1000)
        self._renew = redis.register_script(_RENEW_LUA)
        self._release = redis.register_script(_RELEASE_LUA)

    async def acquire(self) -> bool:
        return bool(await self._redis.set(self.key, self._owner, nx=True, px=self._ttl_ms))

    async def renew(self) -> bool:
        return bool(await self._renew(keys=[self.key], args=[self._owner, self._ttl_ms]))

    async def release(self) -> None:
        await self._release(keys=[self.key], args=[self._owner])
