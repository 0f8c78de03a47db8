"""What changed in the shared inbox, on ``inbox.events.v1``.

The crm publishes one of these (through its outbox, in the transaction that made the
change) whenever a conversation or one of its messages changes. Dashboards hear them over
the gateway's live socket and refetch what they show; because the event is written only
after the crm committed, the refetch always finds the change. The raw channel topics
(``messages.inbound.v1`` …) reach the gateway before the crm has stored them, so they are
not a refresh signal.

The event also says, in a few fields, what changed: the message (who wrote it, its text)
and the conversation as it is now (its number, status, assignee and team). The AI agent
decides from them whether to answer, without reading the crm.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "INBOX_TEXT_LIMIT",
    "InboxAuthor",
    "InboxChange",
    "InboxConversation",
    "InboxEvent",
    "InboxMessage",
]

INBOX_TEXT_LIMIT = 4096
"""A message's text in an event is cut to this many characters."""


class InboxChange(StrEnum):
    MESSAGE_CREATED = "message_created"
    """a customer's message or an agent's reply was stored"""
    MESSAGE_STATUS = "message_status"
    """one of our messages moved on: sent, delivered, read or failed"""
    CONVERSATION_UPDATED = "conversation_updated"
    """read, assigned, status changed, or a note was added"""


class InboxAuthor(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    BOT = "bot"
    """an AI persona's reply"""
    SYSTEM = "system"
    """the platform's own (an opt-out confirmation)"""


class InboxMessage(BaseModel):
    """The message a ``message_created`` event is about."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    direction: Literal["in", "out"]
    author: InboxAuthor
    kind: str
    text: str | None = Field(default=None, max_length=INBOX_TEXT_LIMIT)
    sent_by_user_id: uuid.UUID | None = None
    persona_id: uuid.UUID | None = None
    occurred_at: datetime


class InboxConversation(BaseModel):
    """The conversation as the change left it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    channel: str
    channel_account_id: uuid.UUID
    status: str
    assigned_user_id: uuid.UUID | None = None
    assigned_team_id: uuid.UUID | None = None
    """the gateway's team the conversation is assigned to (absent in older events)"""


class InboxEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    change: InboxChange
    conversation_id: uuid.UUID
    contact_id: uuid.UUID
    message_id: uuid.UUID | None = None
    occurred_at: datetime
    message: InboxMessage | None = Field(default=None, description="on message_created")
    conversation: InboxConversation | None = Field(
        default=None, description="absent when the conversation is gone"
    )
