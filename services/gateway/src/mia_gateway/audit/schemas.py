"""Response bodies of the audit endpoint."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel

__all__ = ["AuditEventOut"]


class AuditEventOut(BaseModel):
    id: uuid.UUID
    action: str
    actor_id: uuid.UUID | None
    actor_kind: str
    target: str | None
    ip: str | None
    details: dict[str, Any]
    occurred_at: datetime
