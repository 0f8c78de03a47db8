"""The notes API's bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from mia_common.text import NonBlankApiStr
from mia_crm.models import ConversationNote

__all__ = ["NoteBody", "NoteOut"]


class NoteBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[NonBlankApiStr, Field(min_length=1, max_length=10_000)]


class NoteOut(BaseModel):
    id: uuid.UUID
    conversation_id: uuid.UUID
    author_user_id: uuid.UUID | None = Field(description="None: an AI persona wrote it")
    author_persona_name: str | None = None
    text: str
    created_at: datetime

    @classmethod
    def of(cls, note: ConversationNote) -> NoteOut:
        return cls(
            id=note.id,
            conversation_id=note.conversation_id,
            author_user_id=note.author_user_id,
            author_persona_name=note.author_persona_name,
            text=note.text,
            created_at=note.created_at,
        )
