"""``OpenAIEmbedder``: the ``Embedder`` of a knowledge base that chose an OpenAI-compatible
embedding model, over the tenant's endpoint.

OpenAI's models need no ``query:``/``passage:`` prefixes, so both calls embed the text as
it is. Vectors are normalized again here: OpenAI's come normalized, a local server's may
not. Tokens spent add up in ``usage`` until the indexing code records them
(``take_usage``, then ``usage.record_usage`` with ``purpose="embedding"``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import openai

from mia_ai_agent.embeddings.base import Vectors
from mia_ai_agent.llm.client import TenantModel
from mia_ai_agent.llm.errors import ModelUnavailable, UnavailableReason
from mia_ai_agent.llm.failures import unavailable_from
from mia_ai_agent.llm.results import TokenUsage

__all__ = ["DEFAULT_EMBEDDING_MODEL", "OpenAIEmbedder"]

DEFAULT_EMBEDDING_MODEL = "text-embedding-3-small"
_BATCH = 256  # inputs per request: well under OpenAI's 2,048 and its 300,000 tokens


class OpenAIEmbedder:
    def __init__(
        self, model: TenantModel, *, name: str | None = None, dimensions: int = 1536
    ) -> None:
        self._client = model.client
        self._model = name or model.embedding_model or DEFAULT_EMBEDDING_MODEL
        self._dimensions = dimensions
        self.usage = TokenUsage(prompt_tokens=0, calls=0)

    @property
    def model(self) -> str:
        return self._model

    @property
    def dimensions(self) -> int:
        return self._dimensions

    def take_usage(self) -> TokenUsage:
        """The tokens spent since the last call (for ``record_usage``), and start again."""
        spent, self.usage = self.usage, TokenUsage(prompt_tokens=0, calls=0)
        return spent

    async def embed_passages(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self._dimensions), dtype=np.float32)
        parts = [
            await self._embed(list(texts[i : i + _BATCH])) for i in range(0, len(texts), _BATCH)
        ]
        return np.vstack(parts)

    async def embed_query(self, text: str) -> Vectors:
        vectors: Vectors = (await self._embed([text]))[0]
        return vectors

    async def _embed(self, texts: list[str]) -> Vectors:
        # Only the text-embedding-3 family may be shortened; the others refuse the field.
        shortenable = self._model.startswith("text-embedding-3")
        try:
            response = await self._client.embeddings.create(
                model=self._model,
                # An empty input is refused by OpenAI; a blank passage embeds as a space.
                input=[text or " " for text in texts],
                dimensions=self._dimensions if shortenable else openai.omit,
            )
        except openai.APIError as error:
            raise unavailable_from(error) from None
        self.usage = self.usage + TokenUsage(prompt_tokens=response.usage.prompt_tokens)
        rows = sorted(response.data, key=lambda item: item.index)
        vectors = np.asarray([row.embedding for row in rows], dtype=np.float32)
        if vectors.shape != (len(texts), self._dimensions):
            raise ModelUnavailable(
                UnavailableReason.BAD_OUTPUT,
                f"expected {len(texts)} vectors of {self._dimensions}, got {vectors.shape}",
            )
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        normalized: Vectors = (vectors / np.where(norms == 0, 1, norms)).astype(np.float32)
        return normalized
