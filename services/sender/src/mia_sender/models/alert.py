"""Channel alerts as kept for the dashboard (``GET /api/v1/channels/alerts``).

Each alert is also published on ``channels.alerts.v1`` through the outbox, in the same
transaction. ``dedupe_key`` makes "once a day" alerts idempotent across replicas.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, UUIDv7PrimaryKey

__all__ = ["ChannelAlertRecord"]


class ChannelAlertRecord(UUIDv7PrimaryKey, TenantScoped, Base):
    __tablename__ = "channel_alerts"

    channel_account_id: Mapped[uuid.UUID] = mapped_column(nullable=False, index=True)
    channel: Mapped[str] = mapped_column(String(32), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    dedupe_key: Mapped[str | None] = mapped_column(String(300), unique=True)
