"""A lead: a card on a pipeline board, its tags and its stage history."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, Timestamped, UUIDv7PrimaryKey
from mia_crm.models.server_values import ReturnsServerValues

__all__ = ["ActorKind", "Lead", "LeadStageChange", "LeadTag"]

POSITION_COLLATION = "C"
"""Fractional index keys compare byte by byte (base 62 digits in ASCII order), as the
``fractional_indexing`` packages of Python and npm do; a linguistic collation would not."""


class ActorKind(StrEnum):
    USER = "user"
    AGENT = "agent"
    AUTOMATION = "automation"


class Lead(UUIDv7PrimaryKey, Timestamped, TenantScoped, ReturnsServerValues, Base):
    __tablename__ = "leads"

    pipeline_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    stage_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    contact_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False
    )
    conversation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    value: Mapped[Decimal] = mapped_column(Numeric(18, 2), nullable=False, default=Decimal(0))
    currency: Mapped[str] = mapped_column(String(3), nullable=False, doc="ISO 4217")
    owner_user_id: Mapped[uuid.UUID | None] = mapped_column()
    expected_close_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(64))
    fields: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, default=dict, server_default=text("'{}'::jsonb")
    )
    lost_reason: Mapped[str | None] = mapped_column(String(500))
    stage_entered_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    # The card's fractional index inside its column (see POSITION_COLLATION).
    position: Mapped[str] = mapped_column(String(128, collation=POSITION_COLLATION), nullable=False)
    # Bumped by every change (a move, an edit, a rebalance of its column): a client's
    # ``expected_version`` that differs is a 409.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __table_args__ = (
        ForeignKeyConstraint(
            ["pipeline_id"], ["pipelines.id"], name="fk_leads_pipeline_id_pipelines"
        ),
        ForeignKeyConstraint(
            ["pipeline_id", "stage_id"],
            ["pipeline_stages.pipeline_id", "pipeline_stages.id"],
            name="fk_leads_stage_pipeline_stages",
        ),
        # One key per card in a column: the column's order, served by its index. Deferrable:
        # a rebalance rewrites a column's keys in one statement, whose rows may pass
        # through each other's old keys.
        UniqueConstraint(
            "tenant_id",
            "stage_id",
            "position",
            name="uq_leads_column_position",
            deferrable=True,
            initially="IMMEDIATE",
        ),
        Index("ix_leads_contact_id", "contact_id"),
        Index("ix_leads_conversation_id", "conversation_id"),
        Index("ix_leads_tenant_pipeline_created", "tenant_id", "pipeline_id", "created_at", "id"),
        Index("ix_leads_tenant_owner", "tenant_id", "owner_user_id"),
        Index(
            "ix_leads_title_trgm",
            "title",
            postgresql_using="gin",
            postgresql_ops={"title": "gin_trgm_ops"},
        ),
        CheckConstraint("value >= 0", name="value_not_negative"),
    )


class LeadTag(TenantScoped, Base):
    """A tag (of the contacts' ``tags``) on a lead."""

    __tablename__ = "lead_tags"

    lead_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )

    __table_args__ = (Index("ix_lead_tags_tag_id_lead_id", "tag_id", "lead_id"),)


class LeadStageChange(UUIDv7PrimaryKey, TenantScoped, Base):
    """One stage a lead entered: who or what moved it, from where, why and how sure."""

    __tablename__ = "lead_stage_changes"

    lead_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), nullable=False
    )
    # No foreign keys to the stages: the history outlives a deleted stage. NULL from: the
    # lead was created in ``to_stage_id``.
    from_stage_id: Mapped[uuid.UUID | None] = mapped_column()
    to_stage_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    actor_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column()
    reason: Mapped[str | None] = mapped_column(String(500))
    confidence: Mapped[float | None] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )

    __table_args__ = (
        CheckConstraint("actor_kind IN ('user', 'agent', 'automation')", name="actor_kind_known"),
        CheckConstraint(
            "confidence IS NULL OR confidence BETWEEN 0 AND 1", name="confidence_range"
        ),
        Index("ix_lead_stage_changes_lead_order", "lead_id", "at", "id"),
    )
