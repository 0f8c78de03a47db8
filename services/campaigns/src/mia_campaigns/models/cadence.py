"""A cadence (drip): steps a contact walks through, one enrollment per (cadence, contact).

Its status moves draft -> active <-> paused -> archived. Steps are stored as given
(``cadences.schemas.Step``): send, wait, wait_until, branch. An enrollment's place is
``step_index`` and its timer ``due_at``: the timers claim due rows with ``FOR UPDATE SKIP
LOCKED``, so a step fires once whichever process (or restart) gets there.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, Timestamped, UUIDv7PrimaryKey

__all__ = ["Cadence", "Enrollment"]


class Cadence(UUIDv7PrimaryKey, Timestamped, TenantScoped, Base):
    __tablename__ = "cadences"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="draft")
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    channel_account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    time_zone: Mapped[str] = mapped_column(String(64), nullable=False)
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False)
    # {"days", "start", "end", "time_zone", "per_contact"}, as a campaign's send window.
    business_hours: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    stop_on_reply: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    stop_on_stage_change: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # [{"event": "contact_created"} | {"event": "tag_added", "tag"} |
    #  {"event": "lead_entered_stage", "stage_id"}]
    triggers: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False, default=list)
    created_by_user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)

    __table_args__ = (
        Index("ix_cadences_tenant_id_id", "tenant_id", "id"),
        # Event enrollment looks up a tenant's active cadences with triggers.
        Index(
            "ix_cadences_tenant_active",
            "tenant_id",
            postgresql_where=text("status = 'active'"),
        ),
    )


class Enrollment(Base):
    __tablename__ = "cadence_enrollments"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    cadence_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    contact_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    address: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(256))
    values: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    step_index: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # 0 for the first walk, one more each time the person is enrolled again after it ended.
    round: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    # The send request of the step being sent (its outcome moves the enrollment on).
    awaiting_request_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    last_request_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    reason: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(1000))
    replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # What happened, step by step: [{"step", "kind", "at", ...}].
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False, default=list)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=text("now()")
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=text("now()")
    )
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("cadence_id", "contact_id"),
        # The timers' claim: active rows by due time.
        Index(
            "ix_cadence_enrollments_due",
            "due_at",
            postgresql_where=text("state = 'active'"),
        ),
        Index("ix_cadence_enrollments_cadence_state", "cadence_id", "state", "step_index"),
        # Stops find the person's rows: by contact (opt-out, stage) or number (reply).
        Index("ix_cadence_enrollments_tenant_contact", "tenant_id", "contact_id"),
        Index("ix_cadence_enrollments_tenant_address", "tenant_id", "address"),
        # An outcome finds the step it answers.
        Index(
            "ix_cadence_enrollments_awaiting",
            "awaiting_request_id",
            postgresql_where=text("awaiting_request_id IS NOT NULL"),
        ),
        Index(
            "ix_cadence_enrollments_last_request",
            "last_request_id",
            postgresql_where=text("last_request_id IS NOT NULL"),
        ),
    )
