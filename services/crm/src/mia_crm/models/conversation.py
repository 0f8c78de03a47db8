"""A conversation: one contact on one of the tenant's channel accounts (numbers)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, Timestamped, UUIDv7PrimaryKey

__all__ = ["Conversation", "ConversationStatus"]


class ConversationStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Conversation(UUIDv7PrimaryKey, Timestamped, TenantScoped, Base):
    __tablename__ = "conversations"
    # Not ReturnsServerValues: nothing reads a conversation's ``updated_at`` after changing
    # it, and without RETURNING the changes to many conversations (a batch of inbound
    # messages) go out as one executemany instead of an UPDATE each. An INSERT still
    # returns ``created_at`` ("auto").
    __mapper_args__ = {"eager_defaults": "auto"}  # noqa: RUF012 - SQLAlchemy's own attribute

    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id"), nullable=False)
    channel: Mapped[str] = mapped_column(String(32), nullable=False)
    channel_account_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=ConversationStatus.OPEN)
    assigned_user_id: Mapped[uuid.UUID | None] = mapped_column()
    # The gateway's team (the gateway owns teams: no foreign key, no copy of the team). A
    # conversation may have a team and no user yet ("the sales team's, nobody took it").
    assigned_team_id: Mapped[uuid.UUID | None] = mapped_column()
    unread_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # The customer's latest message: WhatsApp's 24-hour customer-service window runs from it.
    last_inbound_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The newest message either way, denormalized so the inbox list is one indexed scan.
    last_message_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # No foreign key: messages already point here, and a cycle would complicate deletes.
    last_message_id: Mapped[uuid.UUID | None] = mapped_column()
    last_message_preview: Mapped[str | None] = mapped_column(String(200))
    last_message_direction: Mapped[str | None] = mapped_column(String(3))

    __table_args__ = (
        UniqueConstraint(
            "tenant_id",
            "contact_id",
            "channel_account_id",
            name="uq_conversations_tenant_id_contact_id_channel_account_id",
        ),
        Index("ix_conversations_inbox_order", "tenant_id", "last_message_at", "id"),
        Index("ix_conversations_contact_id", "contact_id"),
        # The inbox filtered by team, in the inbox's order: one ordered index scan. Partial:
        # conversations with no team (most, in a tenant without teams) are not in it.
        Index(
            "ix_conversations_team_inbox_order",
            "tenant_id",
            "assigned_team_id",
            "last_message_at",
            "id",
            postgresql_where=text("assigned_team_id IS NOT NULL"),
        ),
    )
