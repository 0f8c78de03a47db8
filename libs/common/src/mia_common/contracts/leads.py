"""What happened to a lead (a card on a pipeline board), on ``leads.events.v1`` (key: the
lead id). Published by the crm through its outbox; the gateway forwards them to open boards,
so another person's move appears without a reload."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["LEAD_EVENT_TYPES", "LeadEvent", "LeadEventType", "LeadSnapshot"]

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


class LeadEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: LeadEventType
    lead: LeadSnapshot
    from_stage_id: uuid.UUID | None = Field(default=None, description="on stage changes")
    actor_user_id: uuid.UUID | None = Field(default=None, description="None: the platform")
    reason: str | None = None
    confidence: float | None = Field(default=None, ge=0, le=1, description="the AI agent's")
    occurred_at: datetime
