"""What happened to a lead (a card on a pipeline board), on ``leads.events.v1``. Published
by the crm through its outbox; the gateway forwards them to open boards, so another
person's move appears without a reload.

One lead's events (``LeadEvent``) are keyed by the lead id. A column rewritten with new
keys (a rebalance) is one ``ColumnRebalanced`` keyed by the stage id, or several when the
column is long: each record names at most ``REBALANCED_LEADS_PER_RECORD`` cards, so it
stays far below Kafka's 1 MB (about 100 bytes a card). A board on the column refetches it,
or applies the new keys and versions.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "COLUMN_REBALANCED",
    "LEAD_EVENT_TYPES",
    "REBALANCED_LEADS_PER_RECORD",
    "ColumnRebalanced",
    "LeadEvent",
    "LeadEventType",
    "LeadSnapshot",
    "LeadsTopicEvent",
    "RebalancedLead",
]

LeadEventType = Literal[
    "lead.created", "lead.updated", "lead.stage_changed", "lead.won", "lead.lost", "lead.deleted"
]
LEAD_EVENT_TYPES: tuple[LeadEventType, ...] = (
    "lead.created",
    "lead.updated",
    "lead.stage_changed",
    "lead.won",
    "lead.lost",
    "lead.deleted",
)
COLUMN_REBALANCED: Final = "lead.column_rebalanced"
REBALANCED_LEADS_PER_RECORD: Final = 2000
"""Cards named by one ``ColumnRebalanced`` record (id, key of at most 128 characters,
version: under 200 bytes each, so a record stays under ~400 kB)."""


class LeadSnapshot(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: uuid.UUID
    pipeline_id: uuid.UUID
    stage_id: uuid.UUID
    contact_id: uuid.UUID | None = None
    title: str
    value: Decimal | None = None
    currency: str | None = None
    owner_user_id: uuid.UUID | None = None
    position: str = Field(description="fractional index of the card inside its column")
    version: int = Field(
        ge=1, description="bumped by every change; a move names the version it saw"
    )


class LeadEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: LeadEventType
    lead: LeadSnapshot
    from_stage_id: uuid.UUID | None = Field(default=None, description="on stage changes")
    actor_user_id: uuid.UUID | None = Field(default=None, description="None: the platform")
    reason: str | None = None
    confidence: float | None = Field(default=None, ge=0, le=1, description="the AI agent's")
    occurred_at: datetime


class RebalancedLead(BaseModel):
    """One card of a rebalanced column: its new key and version (its place is unchanged)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: uuid.UUID
    position: str
    version: int = Field(ge=1)


class ColumnRebalanced(BaseModel):
    """Every card of a column got a new, shorter key, in the order they had, and a new
    version. A long column is announced in ``parts`` records (``part`` 1 to ``parts``),
    each naming at most ``REBALANCED_LEADS_PER_RECORD`` cards, top to bottom."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["lead.column_rebalanced"] = COLUMN_REBALANCED
    pipeline_id: uuid.UUID
    stage_id: uuid.UUID
    leads: list[RebalancedLead] = Field(max_length=REBALANCED_LEADS_PER_RECORD)
    part: int = Field(default=1, ge=1)
    parts: int = Field(default=1, ge=1)
    actor_user_id: uuid.UUID | None = Field(default=None, description="None: the platform")
    occurred_at: datetime


LeadsTopicEvent = Annotated[LeadEvent | ColumnRebalanced, Field(discriminator="type")]
"""The data of an ``Envelope`` on ``leads.events.v1``."""
