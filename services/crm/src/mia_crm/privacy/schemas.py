"""The privacy API's bodies: the export's document (described, streamed as written) and
the erasure's receipt."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

__all__ = ["ContactExport", "ErasureOut"]


class ExportedConversation(BaseModel):
    """Every column of the conversation, and its notes and messages (every column each)."""

    model_config = {"extra": "allow"}

    id: uuid.UUID
    notes: list[dict[str, Any]]
    messages: list[dict[str, Any]] = Field(description="oldest first")


class ExportedLead(BaseModel):
    model_config = {"extra": "allow"}

    id: uuid.UUID
    stage_changes: list[dict[str, Any]]


class ExportedConsent(BaseModel):
    current: list[dict[str, Any]] = Field(description="one per channel the customer spoke of")
    history: list[dict[str, Any]] = Field(description="the ledger, oldest first")


class ContactExport(BaseModel):
    """Everything the crm holds about one person (LGPD art. 18 / GDPR art. 15 and 20)."""

    format: str = Field(examples=["mia.crm.contact-export.v1"])
    exported_at: datetime
    contact: dict[str, Any] = Field(description="every column of the contact, fields included")
    tags: list[dict[str, Any]]
    consent: ExportedConsent
    conversations: list[ExportedConversation]
    leads: list[ExportedLead]


class ErasureOut(BaseModel):
    contact_id: uuid.UUID
    erased_at: datetime
    conversations: int = Field(description="conversations whose messages were emptied")
    messages: int
    leads: int = Field(description="leads kept on the board without what describes the person")
    status: str = Field(
        default="erased_here",
        description="erased_here: done in the crm; the other services do their part on"
        " contact.erased",
    )
