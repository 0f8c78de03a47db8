"""What changed in the shared inbox, on ``inbox.events.v1``.

The crm publishes one of these (through its outbox, in the transaction that made the
change) whenever a conversation or one of its messages changes. Dashboards hear them over
the gateway's live socket and refetch what they show; because the event is written only
after the crm committed, the refetch always finds the change. The raw channel topics
(``messages.inbound.v1`` …) reach the gateway before the crm has stored them, so they are
not a refresh signal.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

__all__ = ["InboxChange", "InboxEvent"]


class InboxChange(StrEnum):
    MESSAGE_CREATED = "message_created"
    """a customer's message or an agent's reply was stored"""
    MESSAGE_STATUS = "message_status"
    """one of our messages moved on: sent, delivered, read or failed"""
    CONVERSATION_UPDATED = "conversation_updated"
    """read, assigned, status changed, or a note was added"""


class InboxEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    change: InboxChange
    conversation_id: uuid.UUID
    contact_id: uuid.UUID
    message_id: uuid.UUID | None = None
    occurred_at: datetime
