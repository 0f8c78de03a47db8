"""Payloads of ``campaigns.events.v1``: a campaign's lifecycle and its recipients' outcomes.

One record per change of a campaign's status (``campaign.status_changed``), the
recipients' outcomes in batches (``campaign.recipients_updated``), at most a few hundred a
record, so a downstream system follows a 100,000-recipient campaign without 100,000
records, and while its ledger moves a snapshot of its progress (``campaign.progress``: the
counts by state and the top failure reasons, at most about once a second), small enough
for the dashboards the gateway relays it to. Keyed by the campaign id: one campaign's
records stay in order.

Every record carries its event's ``type`` in the ``mia-event-type`` header
(``EVENT_TYPE_HEADER``), so a consumer that wants only some of them (the gateway relays
progress and status changes, not the recipients' batches) drops the rest undecoded.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "EVENT_TYPE_HEADER",
    "PROGRESS_FAILURE_REASONS",
    "CampaignEvent",
    "CampaignProgress",
    "CampaignRecipientsUpdated",
    "CampaignStatus",
    "CampaignStatusChanged",
    "RecipientOutcome",
    "RecipientState",
]


EVENT_TYPE_HEADER = "mia-event-type"
PROGRESS_FAILURE_REASONS = 10
"""A progress snapshot names at most this many failure reasons (the most frequent)."""


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


class CampaignProgress(BaseModel):
    """Where a campaign stands: a snapshot, so a repeated or reordered one does no harm
    (the newest ``as_of`` wins)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["campaign.progress"] = "campaign.progress"
    campaign_id: uuid.UUID
    status: CampaignStatus
    counts: dict[RecipientState, int] = Field(
        description="recipients by ledger state (states with none are left out)"
    )
    failures: dict[str, int] = Field(
        default_factory=dict,
        max_length=PROGRESS_FAILURE_REASONS,
        description="failed recipients by error code: the most frequent reasons only",
    )
    other_failures: int = Field(
        default=0, ge=0, description="failed recipients whose reason is not among ``failures``"
    )
    as_of: datetime = Field(description="when the counts were read")


CampaignEvent = Annotated[
    CampaignStatusChanged | CampaignRecipientsUpdated | CampaignProgress,
    Field(discriminator="type"),
]
