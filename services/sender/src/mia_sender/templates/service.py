"""An account's message templates for the composer's picker: read from Meta, kept in Redis.

Templates live at Meta (``GET /{version}/{waba_id}/message_templates``); nothing here
stores them. Every list is read whole (all statuses, every page up to a cap) and kept
``templates_cache_seconds`` under ``{prefix}:templates:v1:{account}:{fingerprint}``, so a busy
inbox opening the picker again and again asks Meta about once a minute per account; the
status filter is applied to the cached list. The fingerprint covers the WABA id and the
sealed token (sealed with a fresh nonce each time it is set), so a corrected token or WABA
reads afresh at once instead of serving the old answer. Refusals are not cached: the
next open after a fix must see it.

Concurrent misses of one account in this process wait for one Graph read instead of
making one each.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
import weakref
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import structlog
from redis.asyncio import Redis

from mia_common.contracts import Channel
from mia_sender.accounts.credentials import UnusableCredentials
from mia_sender.config import SenderSettings
from mia_sender.models import ChannelAccount
from mia_sender.providers.base import ErrorAction, ProviderError
from mia_sender.providers.meta import MetaCredentials, TemplatePage
from mia_sender.templates.errors import AccountNeedsAttention, MetaUnavailable

__all__ = ["TemplateCatalog", "TemplateReader", "TemplateSummary", "summarize"]

logger = structlog.get_logger(__name__)

# {{1}}, {{ 2 }} and named parameters ({{first_name}}) alike.
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
# Graph's codes for a token that no longer opens anything (190: expired or invalidated).
_TOKEN_CODES = {"0", "190"}


@dataclass(frozen=True, slots=True)
class TemplateSummary:
    name: str
    language: str
    status: str
    category: str
    body: str
    variables: int
    header: str | None
    footer: str | None


class TemplateReader(Protocol):
    """The Graph call the catalog needs (``MetaProvider.message_templates``)."""

    async def message_templates(
        self,
        credentials: MetaCredentials,
        waba_id: str,
        *,
        limit: int,
        after: str | None,
        wait_seconds: float,
    ) -> TemplatePage: ...


def _text_of(components: list[Any], kind: str) -> str | None:
    for component in components:
        if isinstance(component, dict) and component.get("type") == kind:
            text = component.get("text")
            # A media header (IMAGE, VIDEO, DOCUMENT, LOCATION) has no text to show.
            if kind == "HEADER" and component.get("format", "TEXT") != "TEXT":
                return None
            return text if isinstance(text, str) else None
    return None


def summarize(node: dict[str, Any]) -> TemplateSummary | None:
    """What the picker shows of a Graph template node; None for a node without a name."""
    name, language = node.get("name"), node.get("language")
    if not isinstance(name, str) or not isinstance(language, str):
        return None
    components = node.get("components")
    components = components if isinstance(components, list) else []
    body = _text_of(components, "BODY") or ""
    return TemplateSummary(
        name=name,
        language=language,
        status=str(node.get("status") or ""),
        category=str(node.get("category") or ""),
        body=body,
        variables=len(set(PLACEHOLDER.findall(body))),
        header=_text_of(components, "HEADER"),
        footer=_text_of(components, "FOOTER"),
    )


def _problem(error: ProviderError, waba_id: str) -> Exception:
    """Meta's refusal as the problem the dashboard shows (see ``errors``)."""
    if error.code in _TOKEN_CODES or error.http_status == 401:
        return AccountNeedsAttention(
            f"Meta refused the account's access token ({error.title}); enter a new token.",
            code="token_expired",
            meta_code=error.code,
        )
    if error.action is ErrorAction.PAUSE_ACCOUNT and error.alert_kind in (None, "token_expired"):
        return AccountNeedsAttention(
            f"The access token may not read this account's templates ({error.title}); it needs "
            "the whatsapp_business_management permission.",
            code="token_lacks_permission",
            meta_code=error.code,
        )
    if error.action is ErrorAction.PAUSE_ACCOUNT:
        return AccountNeedsAttention(
            f"Meta restricts this account ({error.title}); see WhatsApp Manager.",
            code="account_restricted",
            meta_code=error.code,
        )
    if error.code == "100":
        return AccountNeedsAttention(
            f"Meta cannot reach WhatsApp Business Account {waba_id} with this token "
            f"({error.title}); check the account's waba_id.",
            code="waba_not_found",
            meta_code=error.code,
        )
    if error.action is ErrorAction.RETRY:
        return MetaUnavailable(
            f"Meta could not list the templates now ({error.title}); try again shortly.",
            code="meta_unavailable",
            meta_code=error.code,
        )
    return MetaUnavailable(
        f"Meta refused to list the templates ({error.title}).",
        code="meta_error",
        meta_code=error.code,
    )


class TemplateCatalog:
    def __init__(
        self,
        redis: Redis,
        *,
        settings: SenderSettings,
        reader: TemplateReader,
        credentials: Callable[[ChannelAccount], MetaCredentials],
    ) -> None:
        self._redis = redis
        self._settings = settings
        self._reader = reader
        self._credentials = credentials
        self._reads: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def _key(self, account: ChannelAccount) -> str:
        fingerprint = hashlib.sha256(
            f"{account.waba_id}\0{account.access_token_sealed}".encode()
        ).hexdigest()[:16]
        # v1: the cached shape; a changed shape gets new keys rather than failing on old ones.
        return f"{self._settings.redis_prefix}:templates:v1:{account.id}:{fingerprint}"

    async def templates(self, account: ChannelAccount) -> list[TemplateSummary]:
        """Every template of the account's WABA (all statuses), sorted by name and language.

        SMS accounts have none (no templates, no 24-hour window). Raises ``AccountNeedsAttention``
        or ``MetaUnavailable`` when Meta does not list them.
        """
        if account.channel != Channel.WHATSAPP_CLOUD.value:
            return []
        if not account.waba_id:
            raise AccountNeedsAttention(
                "The account has no waba_id to read templates from.", code="waba_not_found"
            )
        key = self._key(account)
        cached = await self._cached(key)
        if cached is not None:
            return cached
        lock = self._reads.get(key)
        if lock is None:
            lock = self._reads[key] = asyncio.Lock()
        async with lock:
            # Whoever held the lock may have just filled the cache.
            cached = await self._cached(key)
            if cached is not None:
                return cached
            fetched = await self._fetch(account)
            await self._redis.set(
                key,
                json.dumps([asdict(t) for t in fetched]),
                px=int(self._settings.templates_cache_seconds * 1000),
            )
            return fetched

    async def _cached(self, key: str) -> list[TemplateSummary] | None:
        raw = await self._redis.get(key)
        if raw is None:
            return None
        return [TemplateSummary(**item) for item in json.loads(raw)]

    async def _fetch(self, account: ChannelAccount) -> list[TemplateSummary]:
        waba_id = account.waba_id or ""
        try:
            credentials = self._credentials(account)
        except UnusableCredentials as error:
            # Stored before its format was checked, or sealed under a key the ring lost:
            # nothing to ask Meta with until a person enters the token again.
            raise AccountNeedsAttention(error.detail, code=error.code) from error
        settings = self._settings
        deadline = time.monotonic() + settings.templates_deadline_seconds
        nodes: list[dict[str, Any]] = []
        after: str | None = None
        for _ in range(settings.templates_max_pages):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise MetaUnavailable(
                    f"Meta did not list the templates within "
                    f"{settings.templates_deadline_seconds:g} s; try again shortly.",
                    code="meta_unavailable",
                )
            try:
                page = await self._reader.message_templates(
                    credentials,
                    waba_id,
                    limit=settings.templates_page_size,
                    after=after,
                    wait_seconds=remaining,
                )
            except ProviderError as error:
                logger.warning(
                    "templates not listed",
                    channel_account_id=str(account.id),
                    code=error.code,
                    title=error.title,
                )
                raise _problem(error, waba_id) from error
            nodes.extend(page.templates)
            after = page.after
            if after is None:
                break
        else:
            logger.warning(
                "template list cut at the page cap",
                channel_account_id=str(account.id),
                pages=settings.templates_max_pages,
                templates=len(nodes),
            )
        summaries = [s for s in map(summarize, nodes) if s is not None]
        return sorted(summaries, key=lambda t: (t.name, t.language))
