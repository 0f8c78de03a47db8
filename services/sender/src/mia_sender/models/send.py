"""One send request and where it stands (see ``docs/send-state-machine.md``).

The request id is the primary key: a redelivered request, or a new event carrying a known
request id, finds its row and changes nothing. ``seq`` keeps arrival order, which is the
order one recipient's messages leave in.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, DateTime, Identity, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, Timestamped

__all__ = ["ACTIVE_STATES", "Send", "SendState"]


class SendState(StrEnum):
    QUEUED = "queued"
    """Waiting for its turn (``next_attempt_at``); never called, or safe to call again."""
    SENDING = "sending"
    """Committed just before the provider call: the call may have happened."""
    UNKNOWN = "unknown"
    """Was 'sending' when its dispatcher died or the answer was lost: awaiting a status."""
    ACCEPTED = "accepted"
    FAILED = "failed"


ACTIVE_STATES = (SendState.QUEUED, SendState.SENDING, SendState.UNKNOWN)


class Send(Timestamped, Base):
    __tablename__ = "sends"

    request_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), nullable=False)
    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    channel_account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    channel: Mapped[str] = mapped_column(String(32), nullable=False)
    recipient: Mapped[str | None] = mapped_column(String(20))
    recipient_user_id: Mapped[str | None] = mapped_column(String(128))
    # The phone number, else "user:<id>": what the pair limit and ordering are kept by.
    recipient_key: Mapped[str] = mapped_column(String(160), nullable=False)
    content: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    reply_to_external_id: Mapped[str | None] = mapped_column(String(256))
    origin: Mapped[str] = mapped_column(String(16), nullable=False)
    origin_ref: Mapped[str | None] = mapped_column(Text)
    not_after: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    sending_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    external_message_id: Mapped[str | None] = mapped_column(String(256))
    last_error: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        # The dispatcher's claim: an account's due sends in order.
        Index(
            "ix_sends_due",
            "channel_account_id",
            "next_attempt_at",
            "seq",
            postgresql_where=text("state = 'queued'"),
        ),
        # "Is an earlier message to this recipient still waiting?" (order per recipient).
        Index(
            "ix_sends_recipient_pending",
            "channel_account_id",
            "recipient_key",
            "seq",
            postgresql_where=text("state IN ('queued', 'sending')"),
        ),
        # The scheduler's scan for accounts with work, and take-over of 'sending' rows.
        Index(
            "ix_sends_active_account",
            "channel_account_id",
            "state",
            postgresql_where=text("state IN ('queued', 'sending', 'unknown')"),
        ),
        # An erasure's search for a person's sends, by number or channel user id.
        Index("ix_sends_tenant_recipient_key", "tenant_id", "recipient_key"),
        Index(
            "ix_sends_tenant_recipient_user_id",
            "tenant_id",
            "recipient_user_id",
            postgresql_where=text("recipient_user_id IS NOT NULL"),
        ),
    )
