"""What every embedding model offers the knowledge bases.

E5-style models embed a question and a passage differently (``query:`` / ``passage:``
prefixes), so the two calls are apart. Vectors come back L2-normalized, float32, one row
per text: cosine similarity is then a dot product, and pgvector's ``<=>`` distance is
``1 - similarity``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

__all__ = ["Embedder", "Vectors"]

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    @property
    def model(self) -> str:
        """The name a knowledge base stores (``e5-small``, ``text-embedding-3-small``)."""
        ...

    @property
    def dimensions(self) -> int: ...

    async def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """``(len(texts), dimensions)``, normalized."""
        ...

    async def embed_query(self, text: str) -> Vectors:
        """``(dimensions,)``, normalized."""
        ...
