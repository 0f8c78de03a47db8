"""The bot in each conversation it serves, what it saw there, what it decided, and the
messages it is about to send.

- ``BotConversation``: the conversation's state for the bot (active, handed off, paused
  until), its projection of the crm's holder, and the debounce timer ``due_at`` the turn
  loop claims with ``FOR UPDATE SKIP LOCKED``.
- ``TranscriptLine``: the thread as the inbox events told it (customer, agent, bot), the
  model's context; one row per crm message, so a redelivered event adds nothing.
- ``AiRun``: one decision (a turn, or the test console's), with its sources and reasons:
  the inbox's "why" panel.
- ``ScheduledReply``: a part of an answer waiting for its humanized delay; its id is the
  crm message id and send request id.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy import text as sql
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, UUIDv7PrimaryKey

__all__ = ["AiRun", "BotConversation", "ScheduledReply", "TranscriptLine"]


class BotConversation(TenantScoped, Base):
    __tablename__ = "bot_conversations"

    conversation_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    contact_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    channel: Mapped[str] = mapped_column(String(32), nullable=False)
    channel_account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    persona_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    # active | handed_off (people have it until it is closed or given back)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    handoff_reason: Mapped[str | None] = mapped_column(String(32))
    # The dashboard's switch, or a person's reply: the bot is quiet here until then.
    paused_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    assigned_user_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    turns: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    misses: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # The newest customer message not answered yet, and when the burst must be answered.
    pending_message_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    pending_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_run_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # When the bot learnt the newest customer message a turn answered (or when the
    # conversation was closed): later turns answer only what it learnt after.
    answered_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Lead progression reads the conversation this long after an exchange (debounced).
    lead_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=sql("now()")
    )

    __table_args__ = (
        Index("ix_bot_conversations_due", "due_at", postgresql_where=sql("due_at IS NOT NULL")),
        Index(
            "ix_bot_conversations_lead_due",
            "lead_due_at",
            postgresql_where=sql("lead_due_at IS NOT NULL"),
        ),
    )


class TranscriptLine(TenantScoped, Base):
    __tablename__ = "bot_transcript"

    message_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    conversation_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    # customer | agent | bot | system
    author: Mapped[str] = mapped_column(String(16), nullable=False)
    text: Mapped[str | None] = mapped_column(Text)
    # When the message was written (a customer's: Meta's timestamp, in whole seconds).
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # When the bot learnt it: the order the crm stored the thread in (its events of one
    # conversation arrive in commit order). The thread is read in this order, since a
    # customer's whole-second time can sort before the bot's reply it came after.
    learned_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=sql("clock_timestamp()")
    )

    __table_args__ = (Index("ix_bot_transcript_learned", "conversation_id", "learned_at"),)


class AiRun(UUIDv7PrimaryKey, TenantScoped, Base):
    __tablename__ = "ai_runs"

    conversation_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    persona_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    # turn | console | lead
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)
    # extractive | generative
    mode: Mapped[str] = mapped_column(String(16), nullable=False)
    # reply | handoff | silent
    decision: Mapped[str] = mapped_column(String(16), nullable=False)
    reason: Mapped[str] = mapped_column(String(64), nullable=False)
    detail: Mapped[str | None] = mapped_column(Text)
    question: Mapped[str | None] = mapped_column(Text)
    reply: Mapped[str | None] = mapped_column(Text)
    # [{"chunk_id", "document_id", "document_title", "heading", "text", "score", "similarity"}]
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False, default=list)
    # [{"name", "arguments", "result"}]
    tool_calls: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False, default=list)
    model: Mapped[str | None] = mapped_column(String(200))
    prompt_tokens: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    elapsed_ms: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=sql("now()")
    )

    __table_args__ = (
        Index("ix_ai_runs_conversation", "conversation_id", "id"),
        Index("ix_ai_runs_tenant_id_id", "tenant_id", "id"),
    )


class ScheduledReply(TenantScoped, Base):
    __tablename__ = "scheduled_replies"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    run_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("ai_runs.id", ondelete="CASCADE"), nullable=False
    )
    conversation_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    part: Mapped[int] = mapped_column(Integer, nullable=False)
    parts: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # The customer's message (crm id) the answer is for: what "typing…" is shown against.
    in_reply_to_message_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # pending | sent | cancelled
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")

    __table_args__ = (
        Index("ix_scheduled_replies_due", "due_at", postgresql_where=sql("state = 'pending'")),
        Index("ix_scheduled_replies_conversation", "conversation_id"),
    )
