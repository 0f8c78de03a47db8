"""All SQL of the knowledge bases but retrieval's: bases, documents, chunks, jobs.

Every read takes the tenant, so another company's id is simply not found.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, delete, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from mia_ai_agent.embeddings.base import Vectors
from mia_ai_agent.knowledge.chunking import ChunkDraft, count_tokens
from mia_ai_agent.models.knowledge import Chunk, Document, IndexingJob, KnowledgeBase
from mia_common.db.base import new_uuid7

__all__ = ["KnowledgeRepository", "PendingChunk", "vector_literal"]


def vector_literal(vector: Sequence[float] | Vectors) -> str:
    """pgvector's text form, bound as a string and cast in SQL: no codec to register on
    the shared engine's connections."""
    return "[" + ",".join(f"{value:.7g}" for value in vector) + "]"


@dataclass(frozen=True)
class PendingChunk:
    id: uuid.UUID
    heading: str
    text: str


class KnowledgeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> KnowledgeRepository:
        return cls(session)

    # --- bases -------------------------------------------------------------------------

    async def base(
        self, *, tenant_id: uuid.UUID, base_id: uuid.UUID, for_update: bool = False
    ) -> KnowledgeBase | None:
        query = select(KnowledgeBase).where(
            KnowledgeBase.tenant_id == tenant_id, KnowledgeBase.id == base_id
        )
        if for_update:
            query = query.with_for_update()
        return (await self.session.scalars(query)).one_or_none()

    async def base_named(self, *, tenant_id: uuid.UUID, name: str) -> KnowledgeBase | None:
        query = select(KnowledgeBase).where(
            KnowledgeBase.tenant_id == tenant_id, func.lower(KnowledgeBase.name) == name.lower()
        )
        return (await self.session.scalars(query)).one_or_none()

    async def bases(
        self, *, tenant_id: uuid.UUID, base_ids: Sequence[uuid.UUID]
    ) -> list[KnowledgeBase]:
        query = select(KnowledgeBase).where(
            KnowledgeBase.tenant_id == tenant_id, KnowledgeBase.id.in_(list(base_ids))
        )
        return list((await self.session.scalars(query)).all())

    async def add(self, row: KnowledgeBase | Document | IndexingJob) -> None:
        self.session.add(row)
        await self.session.flush()

    async def refresh(self, row: KnowledgeBase | Document) -> None:
        """Flush, then read back what the database set (``updated_at``): an async session
        cannot load an expired attribute lazily."""
        await self.session.flush()
        await self.session.refresh(row)

    async def delete_base(self, base: KnowledgeBase) -> None:
        # Chunks carry the base's id without a key to it (they belong to their document):
        # remove them first, then the cascade takes documents and jobs.
        await self.session.execute(
            delete(Chunk).where(
                Chunk.tenant_id == base.tenant_id, Chunk.knowledge_base_id == base.id
            )
        )
        await self.session.delete(base)
        await self.session.flush()

    # --- documents ---------------------------------------------------------------------

    async def document(
        self,
        *,
        tenant_id: uuid.UUID,
        base_id: uuid.UUID,
        document_id: uuid.UUID,
        with_content: bool = False,
    ) -> Document | None:
        query = select(Document).where(
            Document.tenant_id == tenant_id,
            Document.knowledge_base_id == base_id,
            Document.id == document_id,
        )
        if with_content:
            query = query.options(undefer(Document.content))
        return (await self.session.scalars(query)).one_or_none()

    async def document_with_hash(self, base: KnowledgeBase, digest: str) -> Document | None:
        query = select(Document).where(
            Document.tenant_id == base.tenant_id,
            Document.knowledge_base_id == base.id,
            Document.content_hash == digest,
        )
        return (await self.session.scalars(query.limit(1))).one_or_none()

    async def delete_document(self, document: Document) -> None:
        await self.session.delete(document)
        await self.session.flush()

    async def latest_jobs(self, document_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, IndexingJob]:
        if not document_ids:
            return {}
        query = (
            select(IndexingJob)
            .where(IndexingJob.document_id.in_(list(document_ids)))
            .order_by(IndexingJob.document_id, IndexingJob.created_at.desc())
            .ext(distinct_on(IndexingJob.document_id))
        )
        return {
            job.document_id: job for job in await self.session.scalars(query) if job.document_id
        }

    # --- chunks ------------------------------------------------------------------------

    async def replace_chunks(self, document: Document, drafts: Sequence[ChunkDraft]) -> None:
        """The document's chunks, cut anew; embeddings come from the job's next rounds."""
        await self.session.execute(delete(Chunk).where(Chunk.document_id == document.id))
        if not drafts:
            return
        await self.session.execute(
            insert(Chunk),
            [
                {
                    "id": new_uuid7(),
                    "tenant_id": document.tenant_id,
                    "document_id": document.id,
                    "knowledge_base_id": document.knowledge_base_id,
                    "ordinal": ordinal,
                    "heading": draft.heading[:1000],
                    "text": draft.text,
                    "char_count": len(draft.text),
                    "token_count": count_tokens(draft.text),
                }
                for ordinal, draft in enumerate(drafts)
            ],
        )

    def _stale(self, base: KnowledgeBase) -> object:
        """Chunks not embedded with the base's model at its size (new, or a model ago)."""
        return or_(
            Chunk.embedding_model.is_(None),
            Chunk.embedding_model != base.embedding_model,
            Chunk.dimensions != base.dimensions,
        )

    async def stale_chunks(
        self, base: KnowledgeBase, *, document_id: uuid.UUID | None, limit: int
    ) -> list[PendingChunk]:
        query = select(Chunk.id, Chunk.heading, Chunk.text).where(
            Chunk.tenant_id == base.tenant_id,
            Chunk.knowledge_base_id == base.id,
            self._stale(base),  # type: ignore[arg-type]
        )
        if document_id is not None:
            query = query.where(Chunk.document_id == document_id)
        # In reading order: a job's progress follows the document.
        ordered = query.order_by(Chunk.document_id, Chunk.ordinal).limit(limit)
        rows = await self.session.execute(ordered)
        return [PendingChunk(row.id, row.heading, row.text) for row in rows]

    async def count_chunks(
        self, base: KnowledgeBase, *, document_id: uuid.UUID | None, stale_only: bool = False
    ) -> int:
        query = select(func.count()).where(
            Chunk.tenant_id == base.tenant_id, Chunk.knowledge_base_id == base.id
        )
        if document_id is not None:
            query = query.where(Chunk.document_id == document_id)
        if stale_only:
            query = query.where(self._stale(base))  # type: ignore[arg-type]
        return int((await self.session.execute(query)).scalar_one())

    async def store_embeddings(
        self,
        ids: Sequence[uuid.UUID],
        vectors: Vectors,
        *,
        model: str,
        dimensions: int,
    ) -> None:
        # One statement for the batch; the vectors travel as pgvector's text form.
        await self.session.execute(
            text(
                "UPDATE knowledge_chunks AS c SET embedding = CAST(v.embedding AS vector),"
                " dimensions = :dimensions, embedding_model = :model"
                " FROM unnest(CAST(:ids AS uuid[]), CAST(:vectors AS text[])) AS v(id, embedding)"
                " WHERE c.id = v.id"
            ),
            {
                "ids": list(ids),
                "vectors": [vector_literal(row) for row in vectors],
                "dimensions": dimensions,
                "model": model,
            },
        )

    # --- jobs --------------------------------------------------------------------------

    async def job(
        self, *, tenant_id: uuid.UUID, base_id: uuid.UUID, job_id: uuid.UUID
    ) -> IndexingJob | None:
        query = select(IndexingJob).where(
            IndexingJob.tenant_id == tenant_id,
            IndexingJob.knowledge_base_id == base_id,
            IndexingJob.id == job_id,
        )
        return (await self.session.scalars(query)).one_or_none()

    async def claim_job(self) -> IndexingJob | None:
        """The unfinished job worked on least recently that nobody else holds; locked until
        this transaction ends, so two processes never embed the same batch.

        Every step touches its job's ``updated_at``, so jobs take turns a batch at a time:
        a company's FAQ pair is not queued behind another's thousand-page PDF."""
        query = (
            select(IndexingJob)
            .where(IndexingJob.status.in_(("pending", "running")))
            .order_by(IndexingJob.updated_at, IndexingJob.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        return (await self.session.scalars(query)).one_or_none()

    async def close_unfinished_jobs(
        self, *, base_id: uuid.UUID, document_id: uuid.UUID | None, reason: str
    ) -> None:
        """Earlier jobs a new one replaces (a re-index, a second change of model): cancelled."""
        condition = and_(
            IndexingJob.knowledge_base_id == base_id,
            IndexingJob.status.in_(("pending", "running")),
        )
        if document_id is not None:
            condition = and_(condition, IndexingJob.document_id == document_id)
        else:
            condition = and_(condition, IndexingJob.document_id.is_(None))
        await self.session.execute(
            update(IndexingJob)
            .where(condition)
            .values(status="cancelled", error=reason, finished_at=datetime.now(UTC))
            .execution_options(synchronize_session=False)
        )
