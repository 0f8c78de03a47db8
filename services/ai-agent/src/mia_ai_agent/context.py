"""The ai-agent process context: its settings and infrastructure, built once per process.

``AiAgentContext.build`` runs in ``create_app`` before anything subscribes or serves;
nothing connects until the app starts. Endpoints reach it through ``ContextDep``, Kafka
handlers through the closures of ``stream.py``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from mia_ai_agent.config import AiAgentSettings
from mia_ai_agent.conversations.delivery import DeliveryLoop
from mia_ai_agent.conversations.turns import TurnLoop
from mia_ai_agent.embeddings.directory import EmbedderDirectory
from mia_ai_agent.embeddings.local import LocalE5Embedder
from mia_ai_agent.embeddings.remote import TenantEmbedders
from mia_ai_agent.knowledge.indexing import IndexingWorker
from mia_ai_agent.knowledge.pages import PageFetcher
from mia_ai_agent.leads.loop import LeadLoop
from mia_ai_agent.leads.stages import CrmStages
from mia_ai_agent.llm.directory import ModelDirectory
from mia_ai_agent.llm.retries import RetryPolicy
from mia_common.app import Infrastructure, context_of
from mia_common.contracts.topics import AI_EVENTS, Topic
from mia_common.crypto import KeyRing
from mia_common.identity import check_identity_secret
from mia_common.messaging.admin import ensure_topics

__all__ = ["AiAgentContext", "ContextDep", "produced_topics"]


def produced_topics(settings: AiAgentSettings) -> list[Topic]:
    """The topics the ai-agent outbox publishes to, under the names the settings give them."""
    return [dataclasses.replace(AI_EVENTS, name=settings.ai_topic)]


@dataclass(kw_only=True, eq=False)
class AiAgentContext:
    settings: AiAgentSettings
    infra: Infrastructure
    key_ring: KeyRing
    embedders: EmbedderDirectory
    indexing: IndexingWorker
    pages: PageFetcher
    models: ModelDirectory
    turns: TurnLoop
    delivery: DeliveryLoop
    leads: LeadLoop

    @classmethod
    def build(cls, settings: AiAgentSettings, infra: Infrastructure) -> AiAgentContext:
        key_ring = KeyRing.from_settings(settings)
        models = ModelDirectory(
            key_ring,
            retry=RetryPolicy(
                attempts=settings.model_retry_attempts,
                max_wait_seconds=settings.model_retry_max_wait_seconds,
            ),
        )
        # e5-small in the process; text-embedding-3-small through the tenant's endpoint.
        embedders = EmbedderDirectory(
            local=LocalE5Embedder(threads=settings.embedding_threads),
            remote=TenantEmbedders(models, usage_topic=settings.ai_topic),
        )
        delivery = DeliveryLoop(
            sessions=infra.sessions, ai_topic=settings.ai_topic, tick_seconds=settings.tick_seconds
        )
        return cls(
            settings=settings,
            infra=infra,
            key_ring=key_ring,
            embedders=embedders,
            indexing=IndexingWorker(
                sessions=infra.sessions, embedders=embedders, tick_seconds=settings.tick_seconds
            ),
            pages=PageFetcher(
                timeout_seconds=settings.knowledge_page_timeout_seconds,
                max_bytes=settings.knowledge_max_document_bytes,
                allow_private_networks=settings.knowledge_private_networks_allowed,
            ),
            models=models,
            turns=TurnLoop(
                sessions=infra.sessions,
                embedders=embedders,
                models=models,
                ai_topic=settings.ai_topic,
                tick_seconds=settings.tick_seconds,
                lead_debounce_seconds=settings.lead_debounce_seconds,
                on_scheduled=delivery.wake,
            ),
            delivery=delivery,
            leads=LeadLoop(
                sessions=infra.sessions,
                models=models,
                stages=CrmStages(
                    base_url=settings.crm_url,
                    secret=settings.identity_token_secret.get_secret_value(),
                ),
                ai_topic=settings.ai_topic,
                tick_seconds=settings.tick_seconds,
            ),
        )

    async def close(self) -> None:
        await self.models.aclose()

    async def check_identity_secret(self) -> None:
        check_identity_secret(self.settings, service="ai-agent")

    async def ensure_produced_topics(self) -> None:
        """Create the produced topics if they are missing (the broker never auto-creates):
        one outbox row for a missing topic would hold back every row behind it."""
        await ensure_topics(self.settings.kafka_bootstrap_servers, produced_topics(self.settings))


ContextDep = Annotated[AiAgentContext, Depends(context_of)]
