"""The contacts API's bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mia_common.text import EmailApiStr, NonBlankApiStr
from mia_crm.models import Contact, Conversation

__all__ = ["ContactConversation", "ContactDetail", "ContactOut", "ContactUpdate"]


class ContactOut(BaseModel):
    id: uuid.UUID
    name: str | None
    phone: str | None = Field(description="E.164")
    user_id: str | None = Field(description="the channel's user id (Meta's BSUID)")
    email: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, contact: Contact) -> ContactOut:
        return cls(
            id=contact.id,
            name=contact.name,
            phone=contact.phone,
            user_id=contact.channel_user_id,
            email=contact.email,
            created_at=contact.created_at,
            updated_at=contact.updated_at,
        )


class ContactConversation(BaseModel):
    id: uuid.UUID
    channel: str
    channel_account_id: uuid.UUID
    status: str
    unread_count: int
    assigned_user_id: uuid.UUID | None
    last_message_at: datetime

    @classmethod
    def of(cls, conversation: Conversation) -> ContactConversation:
        return cls(
            id=conversation.id,
            channel=conversation.channel,
            channel_account_id=conversation.channel_account_id,
            status=conversation.status,
            unread_count=conversation.unread_count,
            assigned_user_id=conversation.assigned_user_id,
            last_message_at=conversation.last_message_at,
        )


class ContactDetail(ContactOut):
    conversations: list[ContactConversation]


class ContactUpdate(BaseModel):
    """Fields left out stay as they are; null clears one."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[NonBlankApiStr, Field(max_length=256)] | None = Field(
        default=None, description="white space is collapsed; null clears it"
    )
    email: Annotated[EmailApiStr, Field(max_length=320)] | None = Field(
        default=None, description="trimmed and lower-cased; null clears it"
    )

    @field_validator("name")
    @classmethod
    def _collapse_spaces(cls, name: str | None) -> str | None:
        return None if name is None else " ".join(name.split())
