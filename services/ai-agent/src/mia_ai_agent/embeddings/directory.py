"""Which embedder serves a knowledge base: the embedded model, or the tenant's endpoint.

``EmbedderDirectory.for_model`` is what indexing and retrieval ask. The embedded model is
one per process; an OpenAI-compatible model comes from ``RemoteEmbedders``, built over the
tenant's model settings (``llm``), so a tenant without an endpoint gets a clear refusal
instead of vectors from someone else's account.
"""

from __future__ import annotations

import uuid
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from mia_ai_agent.embeddings.base import Embedder
from mia_ai_agent.embeddings.catalogue import EMBEDDING_MODELS
from mia_ai_agent.embeddings.local import LocalE5Embedder
from mia_common.errors import AppError

__all__ = ["EmbedderDirectory", "EmbeddingModelUnavailable", "RemoteEmbedders"]


class EmbeddingModelUnavailable(AppError):
    status_code = 409
    title = "The embedding model cannot be used"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, code="embedding_model_unavailable")


class RemoteEmbedders(Protocol):
    async def embedder(
        self, session: AsyncSession, *, tenant_id: uuid.UUID, model: str, dimensions: int
    ) -> Embedder | None:
        """The tenant's OpenAI-compatible embedder for ``model``, or None without an endpoint."""
        ...


class EmbedderDirectory:
    def __init__(
        self, *, local: LocalE5Embedder | None = None, remote: RemoteEmbedders | None = None
    ) -> None:
        self.local = local or LocalE5Embedder()
        self._remote = remote

    async def for_model(
        self, session: AsyncSession, *, tenant_id: uuid.UUID, model: str, dimensions: int
    ) -> Embedder:
        known = EMBEDDING_MODELS.get(model)
        if known is None or dimensions not in known.dimensions:
            raise EmbeddingModelUnavailable(f"{model} in {dimensions} dimensions is not offered")
        if known.local:
            return self.local
        embedder = None
        if self._remote is not None:
            embedder = await self._remote.embedder(
                session, tenant_id=tenant_id, model=model, dimensions=dimensions
            )
        if embedder is None:
            raise EmbeddingModelUnavailable(
                f"{model} needs the company's OpenAI-compatible endpoint, and none is set up"
            )
        return embedder
