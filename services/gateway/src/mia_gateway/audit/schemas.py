"""Response bodies of the audit endpoint."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from mia_gateway.audit.service import ActorKind

__all__ = ["AuditEventOut"]


class AuditEventOut(BaseModel):
    id: uuid.UUID
    action: str
    actor_id: uuid.UUID | None = Field(
        description="the user's or the API key's id; null when the platform acted"
    )
    actor_kind: ActorKind
    target: str | None
    ip: str | None
    details: dict[str, Any]
    occurred_at: datetime
