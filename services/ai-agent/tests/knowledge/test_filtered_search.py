"""A tenant's search in a table full of other tenants' chunks still returns ``limit``
passages: pgvector's iterative index scan reads on until enough rows pass the filter.

Vectors are random (made in SQL), not the model's: what is tested is the index scan."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from mia_ai_agent.embeddings.directory import EmbedderDirectory
from mia_ai_agent.knowledge.retrieval import retrieve

OTHERS = 3000
OURS = 8


async def _corpus(session: AsyncSession, tenant_id: uuid.UUID, chunks: int) -> uuid.UUID:
    base_id, document_id = uuid.uuid4(), uuid.uuid4()
    await session.execute(
        text(
            "INSERT INTO knowledge_bases (id, tenant_id, name, embedding_model, dimensions,"
            " status) VALUES (:base, :tenant, 'corpus', 'e5-small', 384, 'ready')"
        ),
        {"base": base_id, "tenant": tenant_id},
    )
    await session.execute(
        text(
            "INSERT INTO knowledge_documents (id, tenant_id, knowledge_base_id, kind, title,"
            " status, chunk_count, content_hash, bytes, content) VALUES (:doc, :tenant, :base,"
            " 'faq', 'corpus', 'ready', :n, 'x', 0, '[]')"
        ),
        {"doc": document_id, "tenant": tenant_id, "base": base_id, "n": chunks},
    )
    await session.execute(
        text(
            "INSERT INTO knowledge_chunks (id, tenant_id, document_id, knowledge_base_id,"
            " ordinal, heading, text, char_count, token_count, embedding, dimensions,"
            " embedding_model)"
            " SELECT gen_random_uuid(), :tenant, :doc, :base, g, '', 'chunk ' || g, 8, 2,"
            " ARRAY(SELECT random() - 0.5 + g * 0 FROM generate_series(1, 384))::vector,"
            " 384, 'e5-small' FROM generate_series(1, :n) AS g"
        ),
        {"tenant": tenant_id, "doc": document_id, "base": base_id, "n": chunks},
    )
    return base_id


async def test_a_small_tenant_gets_its_limit_among_many_other_chunks(
    db_session: AsyncSession,
) -> None:
    ours = uuid.uuid4()
    await _corpus(db_session, uuid.uuid4(), OTHERS)
    base = await _corpus(db_session, ours, OURS)
    # The plan a big table gets: the HNSW index walked in distance order, then filtered
    # (with so few rows the planner would rather sort the tenant's rows).
    await db_session.execute(text("SET LOCAL enable_sort = off"))
    await db_session.execute(text("SET LOCAL enable_seqscan = off"))

    passages = await retrieve(
        db_session,
        embedders=EmbedderDirectory(),
        tenant_id=ours,
        knowledge_base_ids=[base],
        query="anything",
        limit=5,
    )

    assert len(passages) == 5
    assert {p.knowledge_base_id for p in passages} == {base}
    assert all(p.vector_rank is not None for p in passages)
    # The same walk without the iterative scan stops at ef_search rows, mostly others'.
    probe = "[" + ",".join(["0.05"] * 384) + "]"
    await db_session.execute(text("SET LOCAL hnsw.iterative_scan = off"))
    plan = await db_session.execute(
        text(
            "EXPLAIN SELECT id FROM knowledge_chunks WHERE dimensions = 384"
            " AND tenant_id = :tenant ORDER BY (embedding::vector(384)) <=>"
            " CAST(:probe AS vector(384)) LIMIT 5"
        ),
        {"tenant": ours, "probe": probe},
    )
    assert "ix_knowledge_chunks_hnsw_384" in "\n".join(row[0] for row in plan)
    short = await db_session.execute(
        text(
            "SELECT count(*) FROM (SELECT id FROM knowledge_chunks WHERE dimensions = 384"
            " AND tenant_id = :tenant ORDER BY (embedding::vector(384)) <=>"
            " CAST(:probe AS vector(384)) LIMIT 5) AS hits"
        ),
        {"tenant": ours, "probe": probe},
    )
    assert short.scalar_one() < 5
