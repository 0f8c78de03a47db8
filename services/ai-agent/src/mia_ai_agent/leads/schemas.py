"""The lead suggestions' HTTP shapes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from mia_ai_agent.models.lead_suggestion import LeadSuggestion

__all__ = ["LeadSuggestionOut"]


class LeadSuggestionOut(BaseModel):
    id: uuid.UUID
    contact_id: uuid.UUID
    conversation_id: uuid.UUID | None
    persona_id: uuid.UUID | None
    run_id: uuid.UUID
    stage_id: uuid.UUID | None
    stage_name: str | None
    score: int | None
    fields: dict[str, Any]
    confidence: float
    reason: str
    status: Literal["pending", "accepted", "dismissed", "superseded"]
    created_at: datetime

    @classmethod
    def of(cls, row: LeadSuggestion) -> LeadSuggestionOut:
        return cls(
            id=row.id,
            contact_id=row.contact_id,
            conversation_id=row.conversation_id,
            persona_id=row.persona_id,
            run_id=row.run_id,
            stage_id=row.stage_id,
            stage_name=row.stage_name,
            score=row.score,
            fields=row.fields,
            confidence=row.confidence,
            reason=row.reason,
            status=row.status,
            created_at=row.created_at,
        )
