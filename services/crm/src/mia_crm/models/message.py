"""A message in a conversation, from the customer (``in``) or to them (``out``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, Timestamped, UUIDv7PrimaryKey
from mia_crm.models.server_values import ReturnsServerValues

__all__ = ["Direction", "Message"]


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class Message(UUIDv7PrimaryKey, Timestamped, TenantScoped, ReturnsServerValues, Base):
    """An outbound message's id is also its send request id (and Meta's callback data)."""

    __tablename__ = "messages"

    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id"), nullable=False
    )
    # Copied from the conversation so the channel's message id is unique per account.
    channel_account_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    direction: Mapped[str] = mapped_column(String(3), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    text: Mapped[str | None] = mapped_column(Text)
    media: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    extra: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    external_message_id: Mapped[str | None] = mapped_column(String(256))
    reply_to_external_id: Mapped[str | None] = mapped_column(String(256))
    # Outbound only: the current delivery status and every status reported, in arrival order.
    status: Mapped[str | None] = mapped_column(String(16))
    status_timeline: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, nullable=False, default=list
    )
    error_code: Mapped[str | None] = mapped_column(String(32))
    error_title: Mapped[str | None] = mapped_column(String(512))
    sent_by_user_id: Mapped[uuid.UUID | None] = mapped_column()
    # An AI persona's reply: which persona (its name as it was then) and the ai-agent's run
    # that decided it, for the inbox's bot badge and its "why" panel.
    sent_by_persona_id: Mapped[uuid.UUID | None] = mapped_column()
    sent_by_persona_name: Mapped[str | None] = mapped_column(String(120))
    ai_run_id: Mapped[uuid.UUID | None] = mapped_column()
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    # When it happened: the customer's send time for inbound, ours for outbound. The
    # thread is ordered by it, so a late redelivery still lands in its place.
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    __table_args__ = (
        # A channel retry or a republished event never stores a message twice; outbound
        # messages have no id until the channel accepts them (NULLs are distinct).
        UniqueConstraint(
            "channel_account_id",
            "external_message_id",
            name="uq_messages_channel_account_id_external_message_id",
        ),
        UniqueConstraint(
            "tenant_id", "idempotency_key", name="uq_messages_tenant_id_idempotency_key"
        ),
        Index("ix_messages_thread_order", "conversation_id", "occurred_at", "id"),
        Index(
            "ix_messages_text_trgm",
            "text",
            postgresql_using="gin",
            postgresql_ops={"text": "gin_trgm_ops"},
        ),
    )
