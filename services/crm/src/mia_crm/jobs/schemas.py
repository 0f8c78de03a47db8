"""The jobs API's bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from mia_crm.models import Job, JobStatus

__all__ = ["JobOut"]


class JobOut(BaseModel):
    id: uuid.UUID
    kind: str = Field(description="contacts.import, contacts.bulk_tag, contacts.export...")
    status: JobStatus
    total: int | None = Field(description="units of work (rows, contacts); null until known")
    processed: int
    succeeded: int
    failed: int
    percent: float | None = Field(description="processed of total, 0-100; null until known")
    cancel_requested: bool = Field(description="a cancel was asked; it stops after its step")
    result: dict[str, Any] | None = Field(description="what the job answered when it finished")
    error: str | None = Field(description="why it failed")
    created_by_user_id: uuid.UUID | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, job: Job) -> JobOut:
        percent: float | None = None
        if job.status == JobStatus.SUCCEEDED:
            percent = 100.0
        elif job.total:
            percent = round(min(100.0, 100.0 * job.processed / job.total), 1)
        elif job.total == 0:
            percent = 0.0
        return cls(
            id=job.id,
            kind=job.kind,
            status=JobStatus(job.status),
            total=job.total,
            processed=job.processed,
            succeeded=job.succeeded,
            failed=job.failed,
            percent=percent,
            cancel_requested=job.cancel_requested_at is not None,
            result=job.result,
            error=job.error,
            created_by_user_id=job.created_by_user_id,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
        )
