"""Payload of ``templates.events.v1``: what Meta decided about a message template."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["TemplateStatusChanged"]


class TemplateStatusChanged(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    channel_account_id: uuid.UUID
    waba_id: str
    template_id: str
    name: str
    language: str
    event: str = Field(description="APPROVED, REJECTED, PAUSED, DISABLED, ... as Meta says")
    reason: str | None = None
    occurred_at: datetime | None = None
