"""The items of a contact's timeline: one shape per kind, told apart by ``kind``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

__all__ = [
    "TimelineCampaignSend",
    "TimelineConsentChange",
    "TimelineItem",
    "TimelineMessage",
    "TimelineNote",
    "TimelineStageChange",
]


class _Item(BaseModel):
    id: uuid.UUID
    at: datetime = Field(description="when it happened; the list is newest first by it")


class TimelineMessage(_Item):
    kind: Literal["message"] = "message"
    conversation_id: uuid.UUID
    channel: str
    direction: Literal["in", "out"]
    type: str = Field(description="text, image, template...")
    text: str | None
    status: str | None = Field(description="outbound only: the delivery status")
    error_code: str | None
    sent_by_user_id: uuid.UUID | None


class TimelineNote(_Item):
    kind: Literal["note"] = "note"
    conversation_id: uuid.UUID
    author_user_id: uuid.UUID | None
    author_persona_name: str | None = None
    text: str


class TimelineStageChange(_Item):
    kind: Literal["stage_change"] = "stage_change"
    lead_id: uuid.UUID
    lead_title: str
    pipeline_id: uuid.UUID
    from_stage_id: uuid.UUID | None = Field(description="null: the lead was created")
    from_stage_name: str | None
    to_stage_id: uuid.UUID
    to_stage_name: str | None = Field(description="null once the stage is deleted")
    actor_kind: str = Field(description="user, agent (the AI) or automation")
    actor_user_id: uuid.UUID | None
    reason: str | None
    confidence: float | None


class TimelineConsentChange(_Item):
    kind: Literal["consent_change"] = "consent_change"
    channel: str
    status: str = Field(description="opted_in or opted_out")
    source: str = Field(description="import, keyword, form, agent or api")
    actor_user_id: uuid.UUID | None
    note: str | None


class TimelineCampaignSend(_Item):
    """Not produced yet: campaigns do not exist. The place their sends will take."""

    kind: Literal["campaign_send"] = "campaign_send"
    campaign_id: uuid.UUID
    message_id: uuid.UUID | None
    status: str


TimelineItem = Annotated[
    TimelineMessage
    | TimelineNote
    | TimelineStageChange
    | TimelineConsentChange
    | TimelineCampaignSend,
    Field(discriminator="kind"),
]
