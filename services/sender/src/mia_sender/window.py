"""The 24-hour customer-service window, learned from ``messages.inbound.v1``.

Meta lets a business send free-form messages (text, media) only within 24 hours of the
customer's last message to that number; outside it, only templates. Each inbound message
sets a Redis key per account and customer (by phone number and by business-scoped user
id, whichever the message carries) to the message's time, expiring 24 hours after it.
An older message replayed from the topic never shortens a newer window.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Final

from redis.asyncio import Redis

from mia_common.contracts import InboundMessage

__all__ = ["WINDOW", "CustomerWindows"]

WINDOW: Final = timedelta(hours=24)

# KEYS[1]: the window key; ARGV: message time (ms since epoch), window length (ms).
# Keeps the newest time and expires the key when that time's window closes.
_RECORD_LUA: Final = """
local at = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current >= at then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', at + tonumber(ARGV[2]))
return 1
"""


def _phone_address(phone: str) -> str:
    return f"tel:{phone}"


def _user_address(user_id: str) -> str:
    return f"user:{user_id}"


class CustomerWindows:
    def __init__(self, redis: Redis, *, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        self._record = redis.register_script(_RECORD_LUA)

    def _key(self, account_id: uuid.UUID, address: str) -> str:
        return f"{self._prefix}:window:{account_id}:{address}"

    async def record_inbound(self, message: InboundMessage) -> None:
        at = message.sent_at if message.sent_at.tzinfo else message.sent_at.replace(tzinfo=UTC)
        if at + WINDOW <= datetime.now(UTC):
            return  # a replay of a message whose window closed long ago
        at_ms = int(at.timestamp() * 1000)
        window_ms = int(WINDOW.total_seconds() * 1000)
        addresses = []
        if message.from_address:
            addresses.append(_phone_address(message.from_address))
        if message.from_user_id:
            addresses.append(_user_address(message.from_user_id))
        for address in addresses:
            await self._record(
                keys=[self._key(message.channel_account_id, address)], args=[at_ms, window_ms]
            )

    async def last_inbound(
        self, account_id: uuid.UUID, *, phone: str | None, user_id: str | None
    ) -> datetime | None:
        """When the customer last wrote to this account within the window, if they did."""
        keys = []
        if phone:
            keys.append(self._key(account_id, _phone_address(phone)))
        if user_id:
            keys.append(self._key(account_id, _user_address(user_id)))
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
            if phone:
                keys.append(self._key(account_id, _phone_address(phone)))
            if user_id:
                keys.append(self._key(account_id, _user_address(user_id)))
            spans.append((start, len(keys)))
        values = await self._redis.mget(keys) if keys else []
        cutoff_ms = (datetime.now(UTC) - WINDOW).timestamp() * 1000
        return [
            any(value is not None and int(value) > cutoff_ms for value in values[start:end])
            for start, end in spans
        ]

    async def is_open(
        self, account_id: uuid.UUID, *, phone: str | None, user_id: str | None
    ) -> bool:
        last = await self.last_inbound(account_id, phone=phone, user_id=user_id)
        return last is not None and last + WINDOW > datetime.now(UTC)
