"""How long an import's file and report are kept: ``MIA_CRM_FILE_RETENTION_DAYS``.

The uploaded CSV (``import_chunks``) and the report of rejected rows, with their values
(``import_rejections``), hold personal data that a contact's erasure cannot find. Once
the import's job finished (succeeded, failed or cancelled) that many days ago, or the
file was uploaded that long ago and never started, the import is expired: its file and
report answer 410, and a periodic sweep deletes both and sets ``purged_at``. The import
itself (its counts) stays.

Every crm process runs the sweep (``register_periodic``): each step takes one expired
import with ``FOR UPDATE SKIP LOCKED`` and deletes a bounded batch of its rows, so
processes sweeping at once share the work and no transaction grows large.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_crm.config import CrmSettings
from mia_crm.imports.errors import ImportExpired
from mia_crm.jobs.registry import register_periodic
from mia_crm.models import ImportChunk, ImportFile, ImportRejection, Job

__all__ = [
    "SWEEP_SECONDS",
    "check_kept",
    "is_expired",
    "retention_cutoff",
    "sweep_import_files",
]

SWEEP_SECONDS = 300.0
REJECTIONS_PER_STEP = 5_000
CHUNKS_PER_STEP = 16
"""About 16 MiB of file per step."""
MAX_STEPS = 1_000
"""Per run: the rest waits for the next one."""


def retention_cutoff(settings: CrmSettings, now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) - timedelta(days=settings.file_retention_days)


def is_expired(file: ImportFile, job: Job | None, *, cutoff: datetime) -> bool:
    """Whether the import's file and report are past their retention (or already gone)."""
    if file.purged_at is not None:
        return True
    if job is None:
        return file.job_id is None and file.created_at < cutoff
    return job.finished_at is not None and job.finished_at < cutoff


def check_kept(file: ImportFile, job: Job | None, *, settings: CrmSettings) -> None:
    """410 ``import_expired`` once the import's file and report are past their retention."""
    if is_expired(file, job, cutoff=retention_cutoff(settings)):
        raise ImportExpired(
            f"the file and report of import {file.id} were deleted"
            f" {settings.file_retention_days} days after it finished; upload the file again",
            retention_days=settings.file_retention_days,
        )


def _expired(cutoff: datetime) -> ColumnElement[bool]:
    return and_(
        ImportFile.purged_at.is_(None),
        # Every expired import was created before the cutoff: the partial index's column.
        ImportFile.created_at < cutoff,
        or_(ImportFile.job_id.is_(None), Job.finished_at < cutoff),
    )


async def sweep_import_files(
    sessions: async_sessionmaker[AsyncSession],
    settings: CrmSettings,
    *,
    now: datetime | None = None,
) -> int:
    """Deletes the files and reports of expired imports, a batch per transaction; how many
    imports it finished purging."""
    cutoff = retention_cutoff(settings, now)
    purged = 0
    for _ in range(MAX_STEPS):
        async with sessions() as session, session.begin():
            import_id = await session.scalar(
                select(ImportFile.id)
                .outerjoin(Job, Job.id == ImportFile.job_id)
                .where(_expired(cutoff))
                .order_by(ImportFile.created_at)
                .limit(1)
                .with_for_update(of=ImportFile, skip_locked=True)
            )
            if import_id is None:
                return purged
            if await _delete_some(session, import_id):
                await session.execute(
                    update(ImportFile)
                    .where(ImportFile.id == import_id)
                    .values(purged_at=func.now())
                )
                purged += 1
    return purged


async def _delete_some(session: AsyncSession, import_id: object) -> bool:
    """Deletes a batch of the import's rejections, else of its chunks; True when none
    are left."""
    rejections = (
        select(ImportRejection.row_number, ImportRejection.position)
        .where(ImportRejection.import_id == import_id)
        .order_by(ImportRejection.row_number, ImportRejection.position)
        .limit(REJECTIONS_PER_STEP)
    )
    gone = await session.execute(
        delete(ImportRejection).where(
            ImportRejection.import_id == import_id,
            tuple_(ImportRejection.row_number, ImportRejection.position).in_(rejections),
        )
    )
    if _count(gone):
        return False
    chunks = (
        select(ImportChunk.seq)
        .where(ImportChunk.import_id == import_id)
        .order_by(ImportChunk.seq)
        .limit(CHUNKS_PER_STEP)
    )
    gone = await session.execute(
        delete(ImportChunk).where(ImportChunk.import_id == import_id, ImportChunk.seq.in_(chunks))
    )
    return _count(gone) < CHUNKS_PER_STEP


def _count(result: object) -> int:
    """Rows a DELETE removed (``CursorResult.rowcount``)."""
    return int(getattr(result, "rowcount", 0) or 0)


register_periodic("imports.retention", sweep_import_files, every_seconds=SWEEP_SECONDS)
