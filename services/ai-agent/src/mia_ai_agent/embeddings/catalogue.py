"""The embedding models a knowledge base may choose, and the vector sizes each allows.

Only sizes with an HNSW index (``models.knowledge.INDEXED_DIMENSIONS``) are offered: a
base with another size would be searched by a sequential scan.
"""

from __future__ import annotations

from dataclasses import dataclass

from mia_ai_agent.embeddings.local import E5_SMALL

__all__ = ["DEFAULT_MODEL", "EMBEDDING_MODELS", "TEXT_EMBEDDING_3_SMALL", "EmbeddingModel"]

TEXT_EMBEDDING_3_SMALL = "text-embedding-3-small"


@dataclass(frozen=True)
class EmbeddingModel:
    name: str
    default_dimensions: int
    dimensions: tuple[int, ...]
    local: bool
    """True: the embedded model; False: the tenant's OpenAI-compatible endpoint."""


EMBEDDING_MODELS = {
    E5_SMALL: EmbeddingModel(E5_SMALL, 384, (384,), local=True),
    # OpenAI's v3 models shorten their vectors on request (the ``dimensions`` parameter).
    TEXT_EMBEDDING_3_SMALL: EmbeddingModel(TEXT_EMBEDDING_3_SMALL, 1536, (384, 1536), local=False),
}
DEFAULT_MODEL = EMBEDDING_MODELS[E5_SMALL]
