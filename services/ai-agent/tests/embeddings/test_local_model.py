"""The embedded model: normalized float32 vectors of 384, queries and passages apart, and
the model's work off the event loop."""

from __future__ import annotations

import asyncio
import threading
import uuid

import numpy as np
import pytest

from mia_ai_agent.embeddings.base import Embedder
from mia_ai_agent.embeddings.directory import EmbedderDirectory, EmbeddingModelUnavailable
from mia_ai_agent.embeddings.local import LocalE5Embedder


async def test_passages_and_queries_are_normalized_vectors_of_384() -> None:
    embedder: Embedder = LocalE5Embedder()
    passages = await embedder.embed_passages(["Entregamos em 5 dias.", "Aceitamos Pix."] * 20)
    query = await embedder.embed_query("quando chega?")

    assert passages.shape == (40, 384)
    assert passages.dtype == np.float32
    assert query.shape == (384,)
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1, rtol=1e-4)
    # Batches of 32 give the same vectors as one call: nothing depends on the cut.
    np.testing.assert_allclose(passages[0], passages[38], atol=1e-5)
    assert float(passages[0] @ query) > float(passages[1] @ query)


async def test_the_model_runs_in_a_worker_thread() -> None:
    embedder = LocalE5Embedder()
    threads: list[int] = []
    original = embedder._embed

    def spy(texts: list[str], *, is_query: bool) -> object:
        threads.append(threading.get_ident())
        return original(texts, is_query=is_query)

    embedder._embed = spy  # type: ignore[method-assign]
    await embedder.embed_query("olá")

    assert threads
    assert threads[0] != threading.get_ident()
    assert asyncio.get_running_loop().is_running()


async def test_no_texts_make_no_vectors() -> None:
    assert (await LocalE5Embedder().embed_passages([])).shape == (0, 384)


async def test_a_remote_model_without_the_companys_endpoint_is_refused() -> None:
    directory = EmbedderDirectory()

    with pytest.raises(EmbeddingModelUnavailable):
        await directory.for_model(
            None,  # type: ignore[arg-type]
            tenant_id=uuid.uuid4(),
            model="text-embedding-3-small",
            dimensions=1536,
        )
    assert (
        await directory.for_model(
            None,  # type: ignore[arg-type]
            tenant_id=uuid.uuid4(),
            model="e5-small",
            dimensions=384,
        )
        is directory.local
    )
