"""The number's daily messaging limit, as the sender counts it (``GET /api/v1/channels/
accounts/{id}/limits``): Meta's unique customers per rolling 24 hours per business
portfolio. campaigns asks before a launch; it keeps no copy."""

from __future__ import annotations

import uuid
from typing import Any

import aiohttp
import orjson
import structlog

from mia_common.identity import IDENTITY_HEADER, Identity, issue_identity_token

__all__ = ["SenderLimits"]

logger = structlog.get_logger(__name__)


class SenderLimits:
    def __init__(self, *, base_url: str, secret: str) -> None:
        self._base = base_url.rstrip("/")
        self._secret = secret
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def limits(self, identity: Identity, account_id: uuid.UUID) -> dict[str, Any] | None:
        """The account's limits, or None when the sender cannot say (the review still
        answers, with the limit unknown)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
        headers = {IDENTITY_HEADER: issue_identity_token(identity, secret=self._secret)}
        url = f"{self._base}/api/v1/channels/accounts/{account_id}/limits"
        try:
            async with self._session.get(url, headers=headers) as response:
                if response.status != 200:
                    return None
                answer: dict[str, Any] = orjson.loads(await response.read())
                return answer
        except (TimeoutError, aiohttp.ClientError, orjson.JSONDecodeError) as exc:
            logger.warning("sender limits unavailable", error=repr(exc))
            return None
