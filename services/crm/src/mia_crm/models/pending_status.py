"""Statuses that arrived before the message they describe was known here.

Statuses and send outcomes travel on different topics, so a "delivered" may overtake
the outcome that tells us the channel's message id; and campaigns' messages are not in
this database at all. Such a status is parked here, keyed by the channel's message id and
by our send request id, and applied when the message (or its id) turns up.

Rows for messages that never turn up (another service's sends) accumulate: a cleanup by
``received_at`` age is still to be written.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Index, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, UUIDv7PrimaryKey

__all__ = ["PendingStatus"]


class PendingStatus(UUIDv7PrimaryKey, TenantScoped, Base):
    __tablename__ = "pending_statuses"

    channel_account_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    external_message_id: Mapped[str] = mapped_column(String(256), nullable=False)
    send_request_id: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )

    __table_args__ = (
        Index(
            "ix_pending_statuses_channel_message",
            "channel_account_id",
            "external_message_id",
        ),
        Index("ix_pending_statuses_send_request_id", "send_request_id"),
        Index("ix_pending_statuses_received_at", "received_at"),
    )
