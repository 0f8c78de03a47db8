# ruff: noqa: S608 - the statement is put together from literals only (the vector sizes,
# the CTE numbers, RRF_K); every value is a bound parameter.
"""Hybrid retrieval over a tenant's knowledge bases: what the bot reads before it answers.

Two rankings of the chunks of the given bases, both filtered by tenant and base:

- by meaning: cosine distance to the query's embedding, over the HNSW index of the base's
  vector size. pgvector 0.8's iterative scan (``hnsw.iterative_scan = relaxed_order``)
  keeps reading the graph until enough rows pass the filter, so a small tenant in a big
  table still gets its ``limit``; relaxed order is re-sorted by the exact distance.
- by words: ``ts_rank`` over the generated tsvector (normalized by the chunk's length,
  so a short exact passage beats a long one that mentions the word; ``ts_rank_cd``'s
  cover density cost three times as much per matched row at 100,000 chunks and ranks
  chunks this short no better), the query's words OR-ed (the 'simple' configuration: no
  stemming, a short stop list of pt/en/es done here).

They are fused by reciprocal rank (``1 / (60 + rank)`` summed, k = 60 as in Cormack et
al.): a chunk high in both wins, and neither score's scale matters. Every passage also
carries its cosine similarity to the query (0..1), computed for text-only hits too: the
extractive mode hands the conversation to a person below a threshold on it.

Bases embedded with different models are searched one model at a time (the query is
embedded once per model) and their vector hits ranked together by distance.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from mia_ai_agent.embeddings.directory import EmbedderDirectory
from mia_ai_agent.embeddings.local import LocalE5Embedder
from mia_ai_agent.knowledge.repository import KnowledgeRepository, vector_literal
from mia_ai_agent.models.knowledge import INDEXED_DIMENSIONS

__all__ = ["RRF_K", "Passage", "retrieve", "text_query"]

RRF_K = 60

_STOP_TEXT = (
    # Portuguese, English, Spanish: the words every question has and no answer is about.
    "a o as os um uma de do da dos das em no na nos nas por para com sem que se e ou é"
    " eu você voce vocês meu minha seu sua como qual quais quando onde "
    " the an of to in on for with and or is are be do does did i you my your it this that"
    " what which how when where can could would will at from by me we"
    " el la los las un una del al en por para con y o es son mi tu su yo usted qué cuál"
    " cómo cuándo dónde"
)
_STOP_WORDS = frozenset(_STOP_TEXT.split())
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Passage:
    chunk_id: uuid.UUID
    document_id: uuid.UUID
    knowledge_base_id: uuid.UUID
    document_title: str
    heading: str
    text: str
    score: float
    """The fused reciprocal-rank score: only its order means something."""
    similarity: float
    """Cosine similarity of the chunk to the query, 0..1 (0: not embedded yet)."""
    vector_rank: int | None = None
    text_rank: int | None = None


def text_query(query: str) -> str | None:
    """The query's words as a tsquery that matches any of them, or None without words."""
    words: list[str] = []
    for word in _WORDS.findall(query.lower()):
        if len(word) > 1 and word not in _STOP_WORDS and word not in words:
            words.append(word)
    return " | ".join(f"'{word}'" for word in words[:32]) or None


async def retrieve(
    session: AsyncSession,
    *,
    embedders: EmbedderDirectory,
    tenant_id: uuid.UUID,
    knowledge_base_ids: Sequence[uuid.UUID],
    query: str,
    limit: int = 5,
) -> list[Passage]:
    """The ``limit`` best passages of the tenant's bases among ``knowledge_base_ids``
    (ids of other tenants' bases are ignored), best first."""
    if not query.strip() or not knowledge_base_ids or limit < 1:
        return []
    bases = await KnowledgeRepository.from_session(session).bases(
        tenant_id=tenant_id, base_ids=knowledge_base_ids
    )
    if not bases:
        return []
    groups: dict[tuple[str, int], list[uuid.UUID]] = defaultdict(list)
    for base in bases:
        if base.dimensions in INDEXED_DIMENSIONS:
            groups[(base.embedding_model, base.dimensions)].append(base.id)
    candidates = min(200, max(20, 4 * limit))
    searched = [base.id for base in bases]
    embedders_by_group = [
        await embedders.for_model(session, tenant_id=tenant_id, model=model, dimensions=size)
        for model, size in groups
    ]
    # The embedded model runs in a thread: let it embed the query while PostgreSQL ranks
    # by words. A remote embedder records its usage on the session, so it waits its turn.
    local = {
        index: asyncio.create_task(embedder.embed_query(query))
        for index, embedder in enumerate(embedders_by_group)
        if isinstance(embedder, LocalE5Embedder)
    }
    try:
        text_ids = await _text_ranking(
            session, tenant_id=tenant_id, base_ids=searched, query=query, limit=candidates
        )
        vectors = [
            await local[index] if index in local else await embedder.embed_query(query)
            for index, embedder in enumerate(embedders_by_group)
        ]
    finally:
        for task in local.values():
            task.cancel()
    params: dict[str, Any] = {"tenant": tenant_id, "candidates": candidates, "limit": limit}
    vector_parts: list[str] = []
    similarity_cases: list[str] = []
    for index, (((model, dimensions), base_ids), vector) in enumerate(
        zip(groups.items(), vectors, strict=True)
    ):
        params[f"q{index}"] = vector_literal(vector)
        params[f"m{index}"] = model
        params[f"b{index}"] = base_ids
        # The size is a literal: the partial index's predicate must be visible to the
        # planner in every plan, generic ones included.
        distance = (
            f"(c.embedding::vector({dimensions})) <=> CAST(:q{index} AS vector({dimensions}))"
        )
        vector_parts.append(
            f"v{index} AS MATERIALIZED (SELECT c.id, {distance} AS distance"
            f" FROM knowledge_chunks c WHERE c.dimensions = {dimensions}"
            f" AND c.embedding_model = :m{index} AND c.tenant_id = :tenant"
            f" AND c.knowledge_base_id = ANY(CAST(:b{index} AS uuid[]))"
            f" ORDER BY distance LIMIT :candidates)"
        )
        similarity_cases.append(
            f"WHEN c.dimensions = {dimensions} AND c.embedding_model = :m{index}"
            f" AND c.knowledge_base_id = ANY(CAST(:b{index} AS uuid[])) THEN 1 - ({distance})"
        )
    if not vector_parts and not text_ids:
        return []
    params["text_ids"] = text_ids
    rows = await session.execute(text(_statement(vector_parts, similarity_cases)), params)
    return [
        Passage(
            chunk_id=row.id,
            document_id=row.document_id,
            knowledge_base_id=row.knowledge_base_id,
            document_title=row.title,
            heading=row.heading,
            text=row.text,
            score=float(row.score),
            similarity=min(1.0, max(0.0, float(row.similarity or 0.0))),
            vector_rank=row.vector_rank,
            text_rank=row.text_rank,
        )
        for row in rows
    ]


async def _text_ranking(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    base_ids: list[uuid.UUID],
    query: str,
    limit: int,
) -> list[uuid.UUID]:
    """The ids of the chunks that have the query's words, best ``ts_rank`` first.

    The same round trip sets the vector scan's settings for the rest of the transaction
    (iterative scan, ``ef_search``): one statement fewer on every retrieval, and it runs
    whether the query has words or not (without, the ranking is empty)."""
    rows = await session.execute(
        text(
            "SELECT t.id FROM (SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true),"
            " set_config('hnsw.ef_search', :ef, true)) AS settings"
            " LEFT JOIN LATERAL (SELECT c.id, ts_rank(c.tsv, query, 1) AS rank"
            " FROM knowledge_chunks c, to_tsquery('simple', :words) AS query"
            " WHERE c.tenant_id = :tenant AND c.knowledge_base_id = ANY(CAST(:bases AS uuid[]))"
            " AND c.tsv @@ query ORDER BY rank DESC, c.id LIMIT :limit) AS t ON true"
            " ORDER BY t.rank DESC, t.id"
        ),
        {
            "ef": str(max(40, limit)),
            "words": text_query(query),
            "tenant": tenant_id,
            "bases": base_ids,
            "limit": limit,
        },
    )
    return [chunk_id for chunk_id in rows.scalars() if chunk_id is not None]


def _statement(vector_parts: list[str], similarity_cases: list[str]) -> str:
    """Vector hits of each model, the text ranking passed in, fused; then the passages."""
    ctes = list(vector_parts)
    union = " UNION ALL ".join(
        f"SELECT id, distance FROM v{index}" for index in range(len(vector_parts))
    )
    hits = [
        "SELECT id, rank, NULL::bigint, rank FROM unnest(CAST(:text_ids AS uuid[]))"
        " WITH ORDINALITY AS t (id, rank)"
    ]
    if vector_parts:
        ctes.append(
            "vector_ranked AS (SELECT id, row_number() OVER (ORDER BY distance, id) AS rank"
            f" FROM ({union}) AS u)"
        )
        hits.append("SELECT id, rank, rank, NULL::bigint FROM vector_ranked")
    ctes.append(
        f"fused AS (SELECT id, sum(1.0 / ({RRF_K} + rank)) AS score,"
        " min(vrank) AS vector_rank, min(trank) AS text_rank"
        f" FROM ({' UNION ALL '.join(hits)}) AS hits (id, rank, vrank, trank)"
        " GROUP BY id ORDER BY score DESC, id LIMIT :limit)"
    )
    similarity = f"CASE {' '.join(similarity_cases)} END" if similarity_cases else "NULL"
    return (
        f"WITH {', '.join(ctes)} "
        "SELECT f.id, f.score, f.vector_rank, f.text_rank, c.document_id, c.knowledge_base_id,"
        f" c.heading, c.text, d.title, {similarity} AS similarity"
        " FROM fused f JOIN knowledge_chunks c ON c.id = f.id"
        " JOIN knowledge_documents d ON d.id = c.document_id"
        " ORDER BY f.score DESC, f.id"
    )
