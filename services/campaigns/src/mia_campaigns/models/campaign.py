"""A campaign: one message to a frozen audience, sent through one channel account.

Its status moves draft -> scheduled -> running <-> paused -> completed, or to cancelled /
failed (``campaigns.lifecycle``). What is left to send is never kept here: the ledger
(``campaign_recipients``) decides it. The token bucket of the rate cap
(``allowance``/``allowance_at``) lives on the row because the fill that spends it holds
the row locked (``sending.fill``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Float, Index, Integer, String, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, Timestamped, UUIDv7PrimaryKey

__all__ = ["Campaign"]


class Campaign(UUIDv7PrimaryKey, Timestamped, TenantScoped, Base):
    __tablename__ = "campaigns"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="draft")
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    channel_account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    message: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    # A/B test: [{"label", "percent", "message"}]; ``message`` is then the first one's.
    variants: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    audience: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    in_flight_limit: Mapped[int] = mapped_column(Integer, nullable=False, default=50)
    rate_per_second: Mapped[float | None] = mapped_column(Float)
    allowance: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    allowance_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    frequency_cap_hours: Mapped[int | None] = mapped_column(Integer)
    # {"days": [1..7 ISO], "start": "09:00", "end": "18:00", "time_zone": IANA,
    #  "per_contact": bool}: sends only inside it (``sending.window``).
    send_window: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    status_reason: Mapped[str | None] = mapped_column(String(64))
    status_detail: Mapped[str | None] = mapped_column(String(1000))
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    launched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_campaigns_tenant_id_id", "tenant_id", "id"),
        # What the runner looks at: campaigns that send now, or are due.
        Index(
            "ix_campaigns_active",
            "status",
            "scheduled_at",
            postgresql_where=text("status IN ('running', 'scheduled')"),
        ),
    )
