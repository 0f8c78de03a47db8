"""A persona: who answers a company's customers, how, from which knowledge, on which numbers.

Lists (guidelines, topics to refuse, things never to promise, the numbers it serves, the
knowledge bases it may use) are columns of their own, not a settings blob: the inbox
consumer finds the persona of a number by ``channel_account_ids`` (a GIN index).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Float, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, Timestamped, UUIDv7PrimaryKey

__all__ = ["Persona"]


class Persona(UUIDv7PrimaryKey, Timestamped, TenantScoped, Base):
    __tablename__ = "personas"

    name: Mapped[str] = mapped_column(String(120), nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    instructions: Mapped[str] = mapped_column(Text, nullable=False, default="")
    tone: Mapped[str] = mapped_column(String(32), nullable=False, default="friendly")
    # None: answer in the customer's language; else a BCP 47 tag ("pt-BR") it always uses.
    language: Mapped[str | None] = mapped_column(String(16))
    guidelines: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, default=list)
    refused_topics: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, default=list)
    never_promise: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, default=list)
    channel_account_ids: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(UUID(as_uuid=True)), nullable=False, default=list
    )
    knowledge_base_ids: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(UUID(as_uuid=True)), nullable=False, default=list
    )
    # {"time_zone", "days": [0..6], "start": "09:00", "end": "18:00"}; None: always open.
    business_hours: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # Outside business hours: "answer" as usual, or "collect" details and promise a person.
    after_hours: Mapped[str] = mapped_column(String(16), nullable=False, default="answer")
    model: Mapped[str | None] = mapped_column(String(200))
    temperature: Mapped[float] = mapped_column(Float, nullable=False, default=0.3)
    # Extractive mode: the least similarity (0..1) of the best passage to answer with it.
    # e5-small's cosines are compressed: on our FAQ set paraphrased questions scored 0.82 to
    # 0.95 (median 0.89) and unrelated ones 0.80 to 0.87, so 0.86 errs towards a person.
    answer_threshold: Mapped[float] = mapped_column(Float, nullable=False, default=0.86)
    debounce_seconds: Mapped[float] = mapped_column(Float, nullable=False, default=4.0)
    min_delay_seconds: Mapped[float] = mapped_column(Float, nullable=False, default=1.0)
    max_delay_seconds: Mapped[float] = mapped_column(Float, nullable=False, default=6.0)
    max_turns: Mapped[int] = mapped_column(Integer, nullable=False, default=12)
    # A person's reply in a conversation silences the bot there for this long.
    human_pause_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=60)
    handoff_user_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # The gateway's team whose queue a handed-off conversation joins (with or without a user).
    handoff_team_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    handoff_message: Mapped[str | None] = mapped_column(Text)
    after_hours_message: Mapped[str | None] = mapped_column(Text)
    # Lead progression: apply the AI's verdict at or above this confidence, suggest below.
    lead_threshold: Mapped[float] = mapped_column(Float, nullable=False, default=0.8)
    # Extractive mode's lead rules: [{"stage_id", "keywords": [...]}].
    stage_rules: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False, default=list)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_personas_tenant_id_id", "tenant_id", "id"),
        Index(
            "ix_personas_channel_accounts",
            "channel_account_ids",
            postgresql_using="gin",
            postgresql_where=text("enabled AND deleted_at IS NULL"),
        ),
    )
