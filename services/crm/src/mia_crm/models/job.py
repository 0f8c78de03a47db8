"""A job: long-running work (an import, a bulk action, an export) with its progress.

Any crm process may run any job: a runner claims a queued one with ``FOR UPDATE SKIP
LOCKED`` and holds it by a lease it keeps renewing; a job whose lease ran out (its process
died) is claimed again and resumes from ``checkpoint``, which every step commits together
with the work it did. See ``mia_crm.jobs.runner``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, DateTime, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, Timestamped, UUIDv7PrimaryKey
from mia_crm.models.server_values import ReturnsServerValues

__all__ = ["Job", "JobStatus"]


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Job(UUIDv7PrimaryKey, Timestamped, TenantScoped, ReturnsServerValues, Base):
    __tablename__ = "jobs"

    kind: Mapped[str] = mapped_column(String(64), nullable=False, doc="contacts.import, ...")
    status: Mapped[str] = mapped_column(String(16), nullable=False, doc="a JobStatus")
    # Units of work (rows, contacts); NULL until the handler knows how many.
    total: Mapped[int | None] = mapped_column(BigInteger)
    processed: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default="0")
    succeeded: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default="0")
    failed: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default="0")
    params: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, server_default=text("'{}'::jsonb")
    )
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # Where the handler resumes after a crash; committed with the work it stands for.
    checkpoint: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    error: Mapped[str | None] = mapped_column(Text)
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The runner holding the job, until when; claimed again once the time is past.
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")

    __table_args__ = (
        # The tenant's list, newest first (filtered by kind or status: few rows per tenant).
        Index("ix_jobs_tenant_id_created_at_id", "tenant_id", "created_at", "id"),
        # What runners look for: only unfinished jobs are in it.
        Index(
            "ix_jobs_unfinished",
            "created_at",
            postgresql_where=text("status IN ('queued', 'running')"),
        ),
    )
