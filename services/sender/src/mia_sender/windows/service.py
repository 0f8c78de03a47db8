"""Where the sender keeps each customer's 24-hour window: Redis, from ``messages.inbound.v1``.

The rule itself is ``mia_common.customer_window``. Each inbound message sets a Redis key
per account and customer (by phone number and by business-scoped user id, whichever the
message carries) to the message's time, expiring when that time's window closes. An older
message replayed from the topic never shortens a newer window (``keep_newest``).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from redis.asyncio import Redis

from mia_common.contracts import InboundMessage
from mia_common.customer_window import CUSTOMER_SERVICE_WINDOW, window_open
from mia_common.redis_scripts import RedisScripts

__all__ = ["CustomerWindows"]

_WINDOW_MS = int(CUSTOMER_SERVICE_WINDOW.total_seconds() * 1000)


def _phone_address(phone: str) -> str:
    return f"tel:{phone}"


def _user_address(user_id: str) -> str:
    return f"user:{user_id}"


class CustomerWindows:
    def __init__(self, redis: Redis, *, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        self._scripts = RedisScripts.of(redis)

    def _key(self, account_id: uuid.UUID, address: str) -> str:
        return f"{self._prefix}:window:{account_id}:{address}"

    def _keys(self, account_id: uuid.UUID, phone: str | None, user_id: str | None) -> list[str]:
        keys = []
        if phone:
            keys.append(self._key(account_id, _phone_address(phone)))
        if user_id:
            keys.append(self._key(account_id, _user_address(user_id)))
        return keys

    async def record_inbound(self, message: InboundMessage) -> None:
        at = message.sent_at if message.sent_at.tzinfo else message.sent_at.replace(tzinfo=UTC)
        if not window_open(at, now=datetime.now(UTC)):
            return  # a replay of a message whose window closed long ago
        keys = self._keys(message.channel_account_id, message.from_address, message.from_user_id)
        await self._scripts.keep_newest_many(
            keys, at_ms=int(at.timestamp() * 1000), ttl_ms=_WINDOW_MS
        )

    async def last_inbound(
        self, account_id: uuid.UUID, *, phone: str | None, user_id: str | None
    ) -> datetime | None:
        """When the customer last wrote to this account within the window, if they did."""
        keys = self._keys(account_id, phone, user_id)
        if not keys:
            return None
        values = [value for value in await self._redis.mget(keys) if value is not None]
        if not values:
            return None
        return datetime.fromtimestamp(max(int(v) for v in values) / 1000, UTC)

    async def open_for(
        self, account_id: uuid.UUID, customers: list[tuple[str | None, str | None]]
    ) -> list[bool]:
        """For each (phone, user id): is the customer's window open? One round trip."""
        keys: list[str] = []
        spans: list[tuple[int, int]] = []
        for phone, user_id in customers:
            start = len(keys)
            keys.extend(self._keys(account_id, phone, user_id))
            spans.append((start, len(keys)))
        values = await self._redis.mget(keys) if keys else []
        now = datetime.now(UTC)
        last = [
            max((int(v) for v in values[start:end] if v is not None), default=None)
            for start, end in spans
        ]
        return [
            window_open(None if ms is None else datetime.fromtimestamp(ms / 1000, UTC), now=now)
            for ms in last
        ]

    async def is_open(
        self, account_id: uuid.UUID, *, phone: str | None, user_id: str | None
    ) -> bool:
        last = await self.last_inbound(account_id, phone=phone, user_id=user_id)
        return window_open(last, now=datetime.now(UTC))
