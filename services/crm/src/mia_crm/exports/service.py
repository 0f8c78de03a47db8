"""Exports of contacts as CSV: streamed to the caller, or written by a job for big sets.

Both walk the contacts as bulk actions do (``mia_crm.bulk.jobs.walk_batch``: a selection
by index, a filter by id up to the highest id matching at the start), a batch per short
read transaction, never holding more than one batch in memory.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_crm.bulk.jobs import snapshot, start_walk, walk_batch
from mia_crm.bulk.service import EXPORT_KIND, BulkPlan
from mia_crm.exports.csv_file import BOM, encode_header, encode_rows
from mia_crm.exports.errors import ExportExpired, ExportNotFound, ExportNotReady
from mia_crm.exports.retention import is_expired
from mia_crm.jobs.service import get_job
from mia_crm.models import Contact, ExportChunk, Job, JobStatus
from mia_crm.tags.repository import TagRepository

__all__ = ["BATCH", "csv_stream", "encode_batch", "export_file", "file_chunks", "start_stream"]

BATCH = 2_000
"""Contacts per read and per chunk of the answer (a few hundred KiB)."""
CHUNKS_PER_READ = 8


async def start_stream(
    session: AsyncSession, *, tenant_id: uuid.UUID, plan: BulkPlan
) -> dict[str, Any]:
    """The walk's starting state, its bound noted now (in the request's transaction)."""
    _, state = await snapshot(
        session, tenant_id=tenant_id, plan=plan, state=start_walk(datetime.now(UTC))
    )
    return state


async def encode_batch(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    contacts: Sequence[Contact],
    field_keys: Sequence[str],
    delimiter: str,
) -> bytes:
    found = await TagRepository.from_session(session).of_contacts(
        tenant_id=tenant_id, contact_ids=[contact.id for contact in contacts]
    )
    tags = {contact_id: [tag.name for tag in held] for contact_id, held in found.items()}
    return encode_rows(contacts, tags=tags, field_keys=field_keys, delimiter=delimiter)


async def csv_stream(
    sessions: async_sessionmaker[AsyncSession],
    *,
    tenant_id: uuid.UUID,
    plan: BulkPlan,
    state: dict[str, Any],
    field_keys: Sequence[str],
    delimiter: str,
    batch: int = BATCH,
) -> AsyncIterator[bytes]:
    """The file: the BOM and the header first, then a chunk per batch of contacts."""
    yield BOM + encode_header(field_keys, delimiter=delimiter)
    while not state["done"]:
        async with sessions() as session:
            found = await walk_batch(
                session, tenant_id=tenant_id, plan=plan, state=state, limit=batch, lock=False
            )
            chunk = await encode_batch(
                session,
                tenant_id=tenant_id,
                contacts=found.contacts,
                field_keys=field_keys,
                delimiter=delimiter,
            )
        state = found.checkpoint
        if chunk:
            yield chunk


async def export_file(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    job_id: uuid.UUID,
    cutoff: datetime | None = None,
) -> Job:
    """The export job whose file is ready: 404 for another tenant's job or one that is no
    export, 409 while it runs (or when it failed or was cancelled), 410 when it finished
    before ``cutoff`` (its file is deleted past the retention)."""
    job = await get_job(session, tenant_id=tenant_id, job_id=job_id)
    if job.kind != EXPORT_KIND:
        raise ExportNotFound(f"job {job_id} is not an export")
    if job.status != JobStatus.SUCCEEDED:
        raise ExportNotReady(f"the export is {job.status}; its file comes when it succeeded")
    if cutoff is not None and is_expired(job, cutoff=cutoff):
        raise ExportExpired(
            f"the file of export {job_id} was deleted past its retention; export again"
        )
    return job


async def file_chunks(
    sessions: async_sessionmaker[AsyncSession], *, job_id: uuid.UUID
) -> AsyncIterator[bytes]:
    """An export job's file, a few chunks per read."""
    following = 0
    while True:
        async with sessions() as session:
            rows = (
                await session.execute(
                    select(ExportChunk.seq, ExportChunk.data)
                    .where(ExportChunk.job_id == job_id, ExportChunk.seq >= following)
                    .order_by(ExportChunk.seq)
                    .limit(CHUNKS_PER_READ)
                )
            ).all()
        for row in rows:
            yield row.data
        if len(rows) < CHUNKS_PER_READ:
            return
        following = rows[-1].seq + 1
