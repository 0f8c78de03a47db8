"""Payloads of ``campaigns.events.v1``: a campaign's lifecycle and its recipients' outcomes.

One record per change of a campaign's status (``campaign.status_changed``), and the
recipients' outcomes in batches (``campaign.recipients_updated``), at most a few hundred a
record, so a downstream system follows a 100,000-recipient campaign without 100,000
records. Keyed by the campaign id: one campaign's records stay in order.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CampaignEvent",
    "CampaignRecipientsUpdated",
    "CampaignStatus",
    "CampaignStatusChanged",
    "RecipientOutcome",
    "RecipientState",
]


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    FAILED = "failed"


class RecipientState(StrEnum):
    QUEUED = "queued"
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    FAILED = "failed"
    DELIVERED = "delivered"
    READ = "read"
    REPLIED = "replied"
    EXCLUDED = "excluded"
    CANCELLED = "cancelled"


class CampaignStatusChanged(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["campaign.status_changed"] = "campaign.status_changed"
    campaign_id: uuid.UUID
    name: str
    status: CampaignStatus
    previous: CampaignStatus | None = None
    reason: str | None = Field(
        default=None, description="why: paused_by_user, failure_surge, token_expired, ..."
    )
    detail: str | None = None
    actor_user_id: uuid.UUID | None = Field(default=None, description="None: the platform")
    occurred_at: datetime


class RecipientOutcome(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    contact_id: uuid.UUID
    state: RecipientState
    reason: str | None = None
    external_message_id: str | None = None


class CampaignRecipientsUpdated(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["campaign.recipients_updated"] = "campaign.recipients_updated"
    campaign_id: uuid.UUID
    recipients: list[RecipientOutcome] = Field(max_length=500)
    occurred_at: datetime


CampaignEvent = Annotated[
    CampaignStatusChanged | CampaignRecipientsUpdated, Field(discriminator="type")
]
