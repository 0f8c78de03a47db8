"""How long an export job's file is kept: ``MIA_CRM_FILE_RETENTION_DAYS`` after the job
finished. Past it the download answers 410, and a periodic sweep deletes the file's
chunks (personal data in bulk, which a contact's erasure cannot find); the job stays.

Every crm process runs the sweep: each transaction deletes a bounded batch of expired
chunks taken with ``FOR UPDATE SKIP LOCKED``, so processes sweeping at once share it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_crm.config import CrmSettings
from mia_crm.imports.retention import retention_cutoff
from mia_crm.jobs.registry import register_periodic
from mia_crm.models import ExportChunk, Job

__all__ = ["SWEEP_SECONDS", "is_expired", "sweep_export_files"]

SWEEP_SECONDS = 300.0
CHUNKS_PER_STEP = 200
"""Tens of KiB each: a few MiB per transaction."""
MAX_STEPS = 1_000


def is_expired(job: Job, *, cutoff: datetime) -> bool:
    return job.finished_at is not None and job.finished_at < cutoff


async def sweep_export_files(
    sessions: async_sessionmaker[AsyncSession],
    settings: CrmSettings,
    *,
    now: datetime | None = None,
) -> int:
    """Deletes the chunks of exports that finished before the retention's cutoff, a batch
    per transaction; how many chunks."""
    cutoff = retention_cutoff(settings, now)
    deleted = 0
    for _ in range(MAX_STEPS):
        async with sessions() as session, session.begin():
            expired = (
                select(ExportChunk.job_id, ExportChunk.seq)
                .join(Job, Job.id == ExportChunk.job_id)
                .where(Job.finished_at < cutoff)
                .limit(CHUNKS_PER_STEP)
                .with_for_update(of=ExportChunk, skip_locked=True)
            )
            keys = [(row[0], row[1]) for row in (await session.execute(expired)).all()]
            if not keys:
                return deleted
            await session.execute(
                delete(ExportChunk).where(tuple_(ExportChunk.job_id, ExportChunk.seq).in_(keys))
            )
            deleted += len(keys)
    return deleted


register_periodic("exports.retention", sweep_export_files, every_seconds=SWEEP_SECONDS)
