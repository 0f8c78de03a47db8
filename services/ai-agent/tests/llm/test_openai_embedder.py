"""``OpenAIEmbedder``: the ``Embedder`` of the knowledge bases over the tenant's endpoint."""

from __future__ import annotations

import numpy as np
import pytest

from mia_ai_agent.embeddings.base import Embedder
from mia_ai_agent.llm.embeddings import OpenAIEmbedder
from mia_ai_agent.llm.errors import ModelUnavailable, UnavailableReason
from support.models import ModelWorld


async def test_passages_and_queries_are_normalized_vectors_of_the_size_asked(
    world: ModelWorld,
) -> None:
    await world.configure(embedding_model="text-embedding-3-small")
    embedder: Embedder = OpenAIEmbedder(await world.model(), dimensions=256)

    passages = await embedder.embed_passages(["Abrimos às 9h", "O frete é grátis"])
    query = await embedder.embed_query("Abrimos às 9h")

    assert embedder.model == "text-embedding-3-small"
    assert passages.shape == (2, 256)
    assert passages.dtype == np.float32
    assert query.shape == (256,)
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1, rtol=1e-5)
    assert float(passages[0] @ query) == pytest.approx(1, rel=1e-5)
    [first, _] = await world.sent()
    assert first["dimensions"] == 256
    assert first["model"] == "text-embedding-3-small"


async def test_the_tokens_spent_are_taken_once_for_recording(world: ModelWorld) -> None:
    await world.configure()
    embedder = OpenAIEmbedder(await world.model())

    await embedder.embed_passages(["um", "dois"])
    await embedder.embed_query("três")
    spent = embedder.take_usage()

    assert spent.calls == 2
    assert spent.prompt_tokens > 0
    assert embedder.take_usage().calls == 0


async def test_a_failing_embedding_call_is_model_unavailable(world: ModelWorld) -> None:
    await world.configure()
    await world.script({"endpoint": "embeddings", "error": {"status": 503}})
    embedder = OpenAIEmbedder(await world.model())

    with pytest.raises(ModelUnavailable) as failed:
        await embedder.embed_query("olá")

    assert failed.value.reason is UnavailableReason.SERVER
