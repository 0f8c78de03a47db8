"""meta-ingest's process context: settings, infrastructure and its typed singletons.

Built in ``create_app`` before anything subscribes or serves; nothing in it connects until
the app starts. Endpoints reach it through ``ContextDep``, Kafka handlers through
``create_router(context)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import httpx
from fastapi import Depends

from mia_common.app import Infrastructure, context_of
from mia_common.crypto import KeyRing
from mia_common.webhooks import Deduplicator, WebhookEdge
from mia_meta_ingest.accounts.directory import AccountDirectory
from mia_meta_ingest.accounts.repository import ChannelAccountRepository
from mia_meta_ingest.accounts.service import load_directory
from mia_meta_ingest.config import MetaIngestSettings
from mia_meta_ingest.media.graph import GraphMediaClient
from mia_meta_ingest.media.service import MediaFetcher
from mia_meta_ingest.media.storage import storage_from_settings
from mia_meta_ingest.webhook.events import SOURCE
from mia_meta_ingest.webhook.service import MetaWebhookService

__all__ = ["ContextDep", "MetaIngestContext"]


@dataclass(kw_only=True, eq=False)
class MetaIngestContext:
    settings: MetaIngestSettings
    infra: Infrastructure
    key_ring: KeyRing
    accounts: AccountDirectory
    """The channel accounts this process answers for (see ``accounts.directory``)."""
    graph_http: httpx.AsyncClient
    """The Graph API client media downloads use (its connections are reused)."""
    media: MediaFetcher
    webhook: MetaWebhookService

    @classmethod
    def build(cls, settings: MetaIngestSettings, infra: Infrastructure) -> MetaIngestContext:
        # Parsed once, and so checked at start-up, not on every delivery.
        key_ring = KeyRing.from_settings(settings)
        accounts = AccountDirectory(key_ring)
        wait = settings.media_graph_timeout_seconds
        graph_http = httpx.AsyncClient(
            timeout=httpx.Timeout(wait, connect=min(wait, 5.0)), follow_redirects=True
        )
        media = MediaFetcher(
            storage=storage_from_settings(settings),
            graph=GraphMediaClient(
                graph_http, graph_url=settings.meta_graph_url, version=settings.meta_graph_version
            ),
            max_bytes=settings.media_max_bytes,
            sessions=infra.sessions,
        )
        edge = WebhookEdge(
            broker=infra.broker,
            source=SOURCE,
            dead_letter_source="meta-webhook",
            deduplicator=Deduplicator(
                infra.redis_client,
                ttl_seconds=settings.dedupe_hours * 3600,
                prefix="mia:ingest:seen",
            ),
        )
        webhook = MetaWebhookService(settings=settings, edge=edge, accounts=accounts)
        return cls(
            settings=settings,
            infra=infra,
            key_ring=key_ring,
            accounts=accounts,
            graph_http=graph_http,
            media=media,
            webhook=webhook,
        )

    async def load_accounts(self) -> None:
        """The start-up hook: the directory complete before the app answers a delivery."""
        async with self.infra.sessions() as session:
            await load_directory(
                accounts=ChannelAccountRepository.from_session(session), directory=self.accounts
            )

    async def close(self) -> None:
        await self.graph_http.aclose()


ContextDep = Annotated[MetaIngestContext, Depends(context_of)]
