"""``/api/v1/jobs``: long-running work (imports, bulk actions, exports) with its progress.

The dashboard shows a job's progress by polling ``GET /api/v1/jobs/{id}`` (every second
is fine: one indexed row); each step of a job commits its counts.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from mia_common.db.requests import SessionDep
from mia_common.pagination import CursorParam, Limit, Page, split_page
from mia_common.text import ApiStr
from mia_crm.identity import Caller
from mia_crm.jobs.schemas import JobOut
from mia_crm.jobs.service import cancel_job, get_job, list_jobs
from mia_crm.models import JobStatus

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])

KindParam = Annotated[ApiStr | None, Query(max_length=64, description="only jobs of this kind")]


@router.get("", response_model=Page[JobOut], summary="The tenant's jobs, newest first")
async def list_tenant_jobs(
    caller: Caller,
    session: SessionDep,
    limit: Limit = 50,
    cursor: CursorParam = None,
    kind: KindParam = None,
    status: Annotated[JobStatus | None, Query(description="only jobs in this status")] = None,
) -> Page[JobOut]:
    rows = await list_jobs(
        session, tenant_id=caller.tenant_id, kind=kind, status=status, cursor=cursor, limit=limit
    )
    page, next_cursor = split_page(rows, limit, lambda job: (job.created_at, job.id))
    return Page(items=[JobOut.of(job) for job in page], next_cursor=next_cursor)


@router.get("/{job_id}", response_model=JobOut, summary="A job's status and progress")
async def read_job(job_id: uuid.UUID, caller: Caller, session: SessionDep) -> JobOut:
    return JobOut.of(await get_job(session, tenant_id=caller.tenant_id, job_id=job_id))


@router.post(
    "/{job_id}/cancel",
    response_model=JobOut,
    summary="Cancel: a queued job at once, a running one after its current step",
)
async def cancel(job_id: uuid.UUID, caller: Caller, session: SessionDep) -> JobOut:
    return JobOut.of(await cancel_job(session, tenant_id=caller.tenant_id, job_id=job_id))
