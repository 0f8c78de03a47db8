"""Every passage carries its cosine similarity to the query, a passage found only by its
words included: the extractive mode thresholds on it."""

from __future__ import annotations

import uuid

import numpy as np
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from mia_ai_agent.embeddings.directory import EmbedderDirectory
from mia_ai_agent.knowledge.repository import vector_literal
from mia_ai_agent.knowledge.retrieval import retrieve

QUERY = "Girassol"
NEIGHBOURS = 60


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / np.linalg.norm(vector)


async def test_a_passage_found_only_by_its_words_has_its_true_similarity(
    db_session: AsyncSession,
) -> None:
    directory = EmbedderDirectory()
    query = await directory.local.embed_query(QUERY)
    rng = np.random.default_rng(3)
    tenant, base, document = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await db_session.execute(
        text(
            "INSERT INTO knowledge_bases (id, tenant_id, name, embedding_model, dimensions,"
            " status) VALUES (:base, :tenant, 'b', 'e5-small', 384, 'ready')"
        ),
        {"base": base, "tenant": tenant},
    )
    await db_session.execute(
        text(
            "INSERT INTO knowledge_documents (id, tenant_id, knowledge_base_id, kind, title,"
            " status, chunk_count, content_hash, bytes, content) VALUES (:doc, :tenant, :base,"
            " 'faq', 'Loja', 'ready', 0, 'x', 0, '[]')"
        ),
        {"doc": document, "tenant": tenant, "base": base},
    )
    # Many chunks near the query by meaning and without its word; one far from it that
    # has the word: it is outside the vector ranking's candidates, inside the text's.
    near = [_unit(query + rng.normal(0, 0.01, 384)) for _ in range(NEIGHBOURS)]
    far = _unit(query + rng.normal(0, 0.12, 384))
    rows = [(f"assunto {i}", vector) for i, vector in enumerate(near)]
    rows.append(("Clube Girassol: pontos valem desconto", far))
    for ordinal, (body, vector) in enumerate(rows):
        await db_session.execute(
            text(
                "INSERT INTO knowledge_chunks (id, tenant_id, document_id, knowledge_base_id,"
                " ordinal, heading, text, char_count, token_count, embedding, dimensions,"
                " embedding_model) VALUES (gen_random_uuid(), :tenant, :doc, :base, :ordinal,"
                " '', :body, 1, 1, CAST(:vector AS vector), 384, 'e5-small')"
            ),
            {
                "tenant": tenant,
                "doc": document,
                "base": base,
                "ordinal": ordinal,
                "body": body,
                "vector": vector_literal(vector),
            },
        )

    passages = await retrieve(
        db_session,
        embedders=directory,
        tenant_id=tenant,
        knowledge_base_ids=[base],
        query=QUERY,
        limit=5,
    )

    (found,) = [p for p in passages if "Girassol" in p.text]
    assert found.vector_rank is None
    assert found.text_rank == 1
    assert abs(found.similarity - float(far @ query)) < 1e-3
    others = [p for p in passages if p is not found]
    assert all(abs(p.similarity - float(near[0] @ query)) < 0.05 for p in others)
