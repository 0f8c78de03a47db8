"""The inbox API's conversation bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mia_common.customer_window import reply_window
from mia_crm.conversations.repository import ConversationView
from mia_crm.models import ConversationStatus

__all__ = [
    "AssignBody",
    "ContactSummary",
    "ConversationOut",
    "LastMessage",
    "StatusBody",
    "WindowOut",
]


class ContactSummary(BaseModel):
    id: uuid.UUID
    name: str | None
    phone: str | None = Field(description="E.164")
    user_id: str | None = Field(description="the channel's user id (Meta's BSUID)")


class LastMessage(BaseModel):
    preview: str | None
    direction: Literal["in", "out"] | None
    at: datetime
    status: str | None = Field(description="delivery status when it is an outbound message")


class WindowOut(BaseModel):
    open: bool = Field(description="a free-form (non-template) reply is possible now")
    closes_at: datetime | None


class ConversationOut(BaseModel):
    id: uuid.UUID
    contact: ContactSummary
    channel: str
    channel_account_id: uuid.UUID
    last_message: LastMessage
    unread_count: int
    assigned_user_id: uuid.UUID | None
    assigned_team_id: uuid.UUID | None = Field(
        description="the team (the gateway's) the conversation is assigned to"
    )
    status: ConversationStatus
    window: WindowOut
    created_at: datetime

    @classmethod
    def of(cls, view: ConversationView, *, now: datetime) -> ConversationOut:
        conversation, contact = view.conversation, view.contact
        window = reply_window(
            channel=conversation.channel, last_inbound_at=conversation.last_inbound_at, now=now
        )
        direction = conversation.last_message_direction
        return cls(
            id=conversation.id,
            contact=ContactSummary(
                id=contact.id,
                name=contact.name,
                phone=contact.phone,
                user_id=contact.channel_user_id,
            ),
            channel=conversation.channel,
            channel_account_id=conversation.channel_account_id,
            last_message=LastMessage(
                preview=conversation.last_message_preview,
                direction="in" if direction == "in" else "out" if direction == "out" else None,
                at=conversation.last_message_at,
                status=view.last_message_status,
            ),
            unread_count=conversation.unread_count,
            assigned_user_id=conversation.assigned_user_id,
            assigned_team_id=conversation.assigned_team_id,
            status=ConversationStatus(conversation.status),
            window=WindowOut(open=window.open, closes_at=window.closes_at),
            created_at=conversation.created_at,
        )


class AssignBody(BaseModel):
    """The user, the team, or both; a field left out keeps what the conversation has."""

    # The document says it too: an empty body names nothing to assign.
    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})

    user_id: uuid.UUID | None = Field(
        default=None, description="the user to assign; null unassigns; absent: unchanged"
    )
    team_id: uuid.UUID | None = Field(
        default=None,
        description="the team to assign; null takes the conversation out of its team;"
        " absent: unchanged",
    )

    @model_validator(mode="after")
    def _names_something(self) -> AssignBody:
        if not self.model_fields_set:
            raise ValueError("name user_id, team_id or both")
        return self

    @property
    def sets_user(self) -> bool:
        return "user_id" in self.model_fields_set

    @property
    def sets_team(self) -> bool:
        return "team_id" in self.model_fields_set


class StatusBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ConversationStatus
