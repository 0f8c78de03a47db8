"""The indexing jobs, worked in the background by every ai-agent process.

A job is a document to (re-)index or a base to re-embed after a change of model. Each
round is one transaction on one job, claimed ``FOR UPDATE SKIP LOCKED`` (another process
takes the next job, never the same one), the job worked on least recently first, so jobs
take turns a batch at a time:

- ``pending``: the document's chunks are cut anew from its stored content (embeddings
  empty), the job's ``total`` counted; it becomes ``running``.
- ``running``: the next batch of chunks not embedded with the base's model is embedded
  and stored, ``done`` moves on; when none is left, the job is ``done`` and the document
  ``ready``.

Everything a job needs to go on is in its row and its chunks, so a process that dies
mid-job leaves it to the next round of any process: the batch in flight is rolled back
and embedded again, nothing is counted twice. An embedding that fails (the company's
endpoint down or refusing) fails the job and its document with the reason; a re-index,
or asking for the base's model again, starts over from the chunks still to embed.
"""

from __future__ import annotations

from datetime import UTC, datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_ai_agent.embeddings.directory import EmbedderDirectory
from mia_ai_agent.knowledge.chunking import ChunkDraft, chunk_blocks
from mia_ai_agent.knowledge.parsing import Block
from mia_ai_agent.knowledge.repository import KnowledgeRepository
from mia_ai_agent.models.knowledge import Document, IndexingJob, KnowledgeBase
from mia_common.db import unit_of_work
from mia_common.rounds import RoundLoop

__all__ = ["IndexingWorker", "work_on"]

logger = structlog.get_logger(__name__)


class IndexingWorker:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        embedders: EmbedderDirectory,
        tick_seconds: float,
        batch: int = 32,
    ) -> None:
        self._sessions = sessions
        self._embedders = embedders
        self._batch = batch
        self._loop = RoundLoop("knowledge-indexing", self._rounds, tick_seconds=tick_seconds)

    def wake(self) -> None:
        self._loop.wake()

    async def start(self) -> None:
        await self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def _rounds(self) -> None:
        while await self.run_once():
            pass

    async def run_once(self) -> bool:
        """One step of the unfinished job worked on least recently; False when there was
        none to take."""
        async with unit_of_work(self._sessions) as session:
            repository = KnowledgeRepository.from_session(session)
            job = await repository.claim_job()
            if job is None:
                return False
            await work_on(job, repository=repository, embedders=self._embedders, batch=self._batch)
            return True


async def work_on(
    job: IndexingJob,
    *,
    repository: KnowledgeRepository,
    embedders: EmbedderDirectory,
    batch: int,
) -> None:
    """One step of ``job`` (claimed by the caller's transaction)."""
    now = datetime.now(UTC)
    job.updated_at = now  # its turn is taken: the next claim goes to another job first
    base = await repository.base(tenant_id=job.tenant_id, base_id=job.knowledge_base_id)
    document = None
    if job.document_id is not None:
        document = await repository.document(
            tenant_id=job.tenant_id,
            base_id=job.knowledge_base_id,
            document_id=job.document_id,
            with_content=job.status == "pending",
        )
    if base is None or (job.document_id is not None and document is None):
        _finish(job, "cancelled", now, error="its document or knowledge base was deleted")
        return
    if job.status == "pending":
        await _start(job, base=base, document=document, repository=repository, now=now)
        return
    pending = await repository.stale_chunks(base, document_id=job.document_id, limit=batch)
    if pending:
        try:
            embedder = await embedders.for_model(
                repository.session,
                tenant_id=base.tenant_id,
                model=base.embedding_model,
                dimensions=base.dimensions,
            )
            vectors = await embedder.embed_passages(
                [ChunkDraft(chunk.heading, chunk.text).for_embedding for chunk in pending]
            )
        except Exception as error:
            # The endpoint refused or is gone: the job says why, a re-index tries again.
            logger.warning("indexing job failed", job_id=str(job.id), error=str(error))
            _finish(job, "failed", now, error=str(error)[:2000])
            if document is not None:
                document.status, document.error = "failed", str(error)[:2000]
            if job.kind == "reembed":
                base.status = "ready"
            return
        await repository.store_embeddings(
            [chunk.id for chunk in pending],
            vectors,
            model=base.embedding_model,
            dimensions=base.dimensions,
        )
        job.done = min(job.total, job.done + len(pending))
        if len(pending) == batch:
            return
    _finish(job, "done", now)
    job.done = job.total
    if document is not None:
        document.status, document.error, document.chunk_count = "ready", None, job.total
    if job.kind == "reembed":
        base.status = "ready"


async def _start(
    job: IndexingJob,
    *,
    base: KnowledgeBase,
    document: Document | None,
    repository: KnowledgeRepository,
    now: datetime,
) -> None:
    if document is not None:
        drafts = chunk_blocks([Block.of_json(block) for block in document.content])
        await repository.replace_chunks(document, drafts)
        document.status, document.error = "indexing", None
    job.total = await repository.count_chunks(base, document_id=job.document_id)
    stale = await repository.count_chunks(base, document_id=job.document_id, stale_only=True)
    job.done = job.total - stale
    job.status, job.started_at = "running", now


def _finish(job: IndexingJob, status: str, now: datetime, *, error: str | None = None) -> None:
    job.status, job.error, job.finished_at = status, error, now
