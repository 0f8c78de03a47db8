"""An internal note on a conversation: written by the team, never sent to the customer."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, Timestamped, UUIDv7PrimaryKey
from mia_crm.models.server_values import ReturnsServerValues

__all__ = ["ConversationNote"]


class ConversationNote(UUIDv7PrimaryKey, Timestamped, TenantScoped, ReturnsServerValues, Base):
    __tablename__ = "conversation_notes"

    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id"), nullable=False
    )
    # A person's note, or an AI persona's (its handoff summary): then no user, the persona.
    author_user_id: Mapped[uuid.UUID | None] = mapped_column()
    author_persona_name: Mapped[str | None] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text, nullable=False)

    __table_args__ = (Index("ix_conversation_notes_conversation_id", "conversation_id", "id"),)
