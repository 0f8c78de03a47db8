"""The tenant's OpenAI-compatible embeddings for the knowledge bases that chose one.

``TenantEmbedders`` is the ``RemoteEmbedders`` of the ``EmbedderDirectory``: it finds the
tenant's model settings (``llm.directory.ModelDirectory``) and answers an
``OpenAIEmbedder`` for the base's model and size, metered: the tokens each call spends
are recorded as the tenant's ``embedding`` usage (with its ``AiUsage`` event) in the same
transaction as the work that needed them (an indexing job's batch, a conversation's
turn), so a rolled-back batch is not billed and a committed one always is.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mia_ai_agent.embeddings.base import Embedder, Vectors
from mia_ai_agent.llm.directory import ModelDirectory
from mia_ai_agent.llm.embeddings import OpenAIEmbedder
from mia_ai_agent.llm.prices import Prices
from mia_ai_agent.usage.recorder import record_usage
from mia_common.db.base import new_uuid7

__all__ = ["MeteredEmbedder", "TenantEmbedders"]


class MeteredEmbedder:
    def __init__(
        self,
        inner: OpenAIEmbedder,
        *,
        session: AsyncSession,
        tenant_id: uuid.UUID,
        prices: Prices,
        topic: str,
    ) -> None:
        self._inner = inner
        self._session = session
        self._tenant_id = tenant_id
        self._prices = prices
        self._topic = topic

    @property
    def model(self) -> str:
        return self._inner.model

    @property
    def dimensions(self) -> int:
        return self._inner.dimensions

    async def embed_passages(self, texts: Sequence[str]) -> Vectors:
        vectors = await self._inner.embed_passages(texts)
        await self._record()
        return vectors

    async def embed_query(self, text: str) -> Vectors:
        vector = await self._inner.embed_query(text)
        await self._record()
        return vector

    async def _record(self) -> None:
        spent = self._inner.take_usage()
        if spent.calls:
            await record_usage(
                self._session,
                tenant_id=self._tenant_id,
                persona_id=None,
                purpose="embedding",
                result_or_usage=spent,
                model=self._inner.model,
                prices=self._prices,
                run_id=new_uuid7(),
                topic=self._topic,
                now=datetime.now(UTC),
            )


class TenantEmbedders:
    def __init__(self, models: ModelDirectory, *, usage_topic: str) -> None:
        self._models = models
        self._topic = usage_topic

    async def embedder(
        self, session: AsyncSession, *, tenant_id: uuid.UUID, model: str, dimensions: int
    ) -> Embedder | None:
        tenant_model = await self._models.for_tenant(session, tenant_id)
        if tenant_model is None:
            return None
        return MeteredEmbedder(
            OpenAIEmbedder(tenant_model, name=model, dimensions=dimensions),
            session=session,
            tenant_id=tenant_id,
            prices=tenant_model.prices_for(model),
            topic=self._topic,
        )
