"""Jobs as the API and the features see them: enqueue, read, list, cancel.

A feature starts a job with ``enqueue_job`` in its request's transaction and wakes the
runner once that committed (``context.jobs.wake``, e.g. as a background task of the
response); any crm process's runner may take it.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.pagination import keyset
from mia_crm.jobs.errors import JobFinished, JobNotFound
from mia_crm.models import Job, JobStatus

__all__ = ["cancel_job", "enqueue_job", "get_job", "list_jobs"]


async def enqueue_job(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    kind: str,
    params: dict[str, Any],
    created_by_user_id: uuid.UUID | None,
    total: int | None = None,
) -> Job:
    """A queued job of ``kind`` (registered with ``register_job_kind``)."""
    job = Job(
        tenant_id=tenant_id,
        kind=kind,
        status=JobStatus.QUEUED,
        params=params,
        total=total,
        created_by_user_id=created_by_user_id,
    )
    session.add(job)
    await session.flush()
    return job


async def get_job(
    session: AsyncSession, *, tenant_id: uuid.UUID, job_id: uuid.UUID, for_update: bool = False
) -> Job:
    query = select(Job).where(Job.tenant_id == tenant_id, Job.id == job_id)
    if for_update:
        query = query.with_for_update()
    job = (await session.scalars(query)).one_or_none()
    if job is None:
        raise JobNotFound(f"no job {job_id}")
    return job


async def list_jobs(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    kind: str | None,
    status: JobStatus | None,
    cursor: str | None,
    limit: int,
) -> list[Job]:
    """Newest first."""
    query = select(Job).where(Job.tenant_id == tenant_id)
    if kind is not None:
        query = query.where(Job.kind == kind)
    if status is not None:
        query = query.where(Job.status == status)
    query = keyset(query, keys=[Job.created_at, Job.id], cursor=cursor, limit=limit)
    return list((await session.scalars(query)).all())


async def cancel_job(session: AsyncSession, *, tenant_id: uuid.UUID, job_id: uuid.UUID) -> Job:
    """A queued job is cancelled at once; a running one when its current step ends (what
    earlier steps committed stays). Cancelling a cancelled job again changes nothing; a
    job that succeeded or failed cannot be cancelled (409)."""
    job = await get_job(session, tenant_id=tenant_id, job_id=job_id, for_update=True)
    if job.status == JobStatus.QUEUED:
        values: dict[str, Any] = {
            "status": JobStatus.CANCELLED,
            "cancel_requested_at": func.now(),
            "finished_at": func.now(),
        }
    elif job.status == JobStatus.RUNNING:
        values = {"cancel_requested_at": func.coalesce(Job.cancel_requested_at, func.now())}
    elif job.status == JobStatus.CANCELLED:
        return job
    else:
        raise JobFinished(f"job {job_id} already {job.status}")
    await session.execute(update(Job).where(Job.id == job.id).values(**values))
    await session.refresh(job)
    return job
