"""The sender's template routes, asked on the caller's behalf: the sender alone holds the
Meta tokens, so campaigns submits and lists a number's Meta templates through it
(``POST`` / ``GET /api/v1/channels/accounts/{id}/templates``) and keeps no copy of a token.

The caller's identity goes along (as for the number's limits), so the sender applies its
own tenant and role checks. A refusal comes back as the sender said it (``SenderRefused``:
its status, code and Meta's words); no answer at all is ``SenderUnavailable``. These are
rare, person-driven calls: a session per call is enough.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import orjson
import structlog

from mia_campaigns.config import CampaignsSettings
from mia_campaigns.templates.errors import SenderRefused, SenderUnavailable
from mia_common.identity import IDENTITY_HEADER, Identity, issue_identity_token

__all__ = ["SenderTemplates"]

logger = structlog.get_logger(__name__)

# Meta's create can take a few seconds; the sender's own Graph deadline is below this.
_TIMEOUT = aiohttp.ClientTimeout(total=30)


class SenderTemplates:
    def __init__(self, *, base_url: str, secret: str, session: aiohttp.ClientSession) -> None:
        self._base = base_url.rstrip("/")
        self._secret = secret
        self._session = session

    @classmethod
    @asynccontextmanager
    async def open(cls, settings: CampaignsSettings) -> AsyncIterator[SenderTemplates]:
        async with aiohttp.ClientSession(timeout=_TIMEOUT) as session:
            yield cls(
                base_url=settings.sender_url,
                secret=settings.identity_token_secret.get_secret_value(),
                session=session,
            )

    async def submit(
        self, identity: Identity, account_id: uuid.UUID, template: dict[str, Any]
    ) -> dict[str, Any]:
        """Meta's answer to the submission: ``id``, ``name``, ``language``, ``status``..."""
        return await self._call(identity, "POST", account_id, json=template, expect=201)

    async def templates(self, identity: Identity, account_id: uuid.UUID) -> list[dict[str, Any]]:
        """Every template of the number at Meta, any status."""
        answer = await self._call(identity, "GET", account_id, params={"status": "all"})
        items = answer.get("items")
        return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []

    async def _call(
        self,
        identity: Identity,
        method: str,
        account_id: uuid.UUID,
        *,
        expect: int = 200,
        **options: Any,
    ) -> dict[str, Any]:
        headers = {IDENTITY_HEADER: issue_identity_token(identity, secret=self._secret)}
        url = f"{self._base}/api/v1/channels/accounts/{account_id}/templates"
        try:
            async with self._session.request(method, url, headers=headers, **options) as response:
                raw = await response.read()
                status = response.status
        except (TimeoutError, aiohttp.ClientError) as exc:
            logger.warning("sender templates unavailable", error=repr(exc))
            raise SenderUnavailable(f"the sender did not answer ({exc!r}); try again") from None
        try:
            answer = orjson.loads(raw) if raw else {}
        except orjson.JSONDecodeError:
            answer = {}
        if not isinstance(answer, dict):
            answer = {}
        if status != expect:
            raise SenderRefused(status, answer)
        return answer
