"""The segments API's bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from mia_common.text import ApiStr, NonBlankApiStr
from mia_crm.contacts.schemas import ContactOut
from mia_crm.models import Segment
from mia_crm.segments.filters import ContactFilter, filter_adapter

__all__ = [
    "PreviewIn",
    "PreviewOut",
    "SegmentIn",
    "SegmentOut",
    "SegmentUpdate",
]

SegmentName = Annotated[NonBlankApiStr, Field(max_length=100)]
Description = Annotated[ApiStr, Field(max_length=500)]
SAMPLE_MAX = 50


class PreviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filter: ContactFilter
    sample_size: int = Field(
        default=10, ge=0, le=SAMPLE_MAX, description="how many matching contacts to show"
    )


class PreviewOut(BaseModel):
    count: int | None = Field(
        description="contacts matching now; null when counting took longer than the preview"
        " allows (count_timed_out)"
    )
    count_timed_out: bool = Field(description="the count was cut short: try a narrower filter")
    sample: list[ContactOut] = Field(description="the newest matching contacts")


class SegmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: SegmentName = Field(description="unique in the tenant")
    description: Description | None = None
    filter: ContactFilter


class SegmentUpdate(BaseModel):
    """Fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    name: SegmentName | None = None
    description: Description | None = Field(default=None, description="null clears it")
    filter: ContactFilter | None = None


class SegmentOut(BaseModel):
    id: uuid.UUID
    name: str
    description: str | None
    filter: ContactFilter
    count: int | None = Field(
        default=None,
        description="contacts matching now (when one segment is read); null in lists, or"
        " when counting took too long (count_timed_out)",
    )
    count_timed_out: bool = False
    created_by_user_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(
        cls, segment: Segment, *, count: int | None = None, timed_out: bool = False
    ) -> SegmentOut:
        return cls(
            id=segment.id,
            name=segment.name,
            description=segment.description,
            filter=filter_adapter.validate_python(segment.filter),
            count=count,
            count_timed_out=timed_out,
            created_by_user_id=segment.created_by_user_id,
            created_at=segment.created_at,
            updated_at=segment.updated_at,
        )
