"""The ledger: one row per (campaign, contact), the only record of what is left to send.

``id`` is the send request id (``request_id``): the sender sends one message per id, so a
request staged twice (a relay replay, a restart) still reaches the person once. A row moves
queued -> requested -> accepted | failed -> delivered -> read -> replied; ``excluded`` rows
were left out when the audience was frozen (``reason`` says why) and ``cancelled`` ones
were queued when the campaign was cancelled or the person opted out. ``seq`` is the
snapshot's order: the fill takes the lowest queued ones first.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Index, Integer, SmallInteger, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base

__all__ = ["Recipient"]


class Recipient(Base):
    __tablename__ = "campaign_recipients"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    campaign_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    contact_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    address: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(256))
    values: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="queued")
    reason: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(1000))
    variant: Mapped[int | None] = mapped_column(SmallInteger)
    external_message_id: Mapped[str | None] = mapped_column(String(256))
    requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=text("now()")
    )

    __table_args__ = (
        UniqueConstraint("campaign_id", "contact_id"),
        # The fill's next queued rows, the in-flight count, the counts by state.
        Index("ix_campaign_recipients_campaign_state_seq", "campaign_id", "state", "seq"),
        # Statuses and replies find the row by the message Meta gave.
        Index(
            "ix_campaign_recipients_external_message_id",
            "external_message_id",
            postgresql_where=text("external_message_id IS NOT NULL"),
        ),
        # An opt-out or an erasure finds the person's rows; a reply finds them by number.
        Index("ix_campaign_recipients_tenant_contact", "tenant_id", "contact_id"),
        Index("ix_campaign_recipients_tenant_address", "tenant_id", "address"),
    )
