"""The bodies of ``/api/v1/exports``."""

from __future__ import annotations

import uuid
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mia_crm.bulk.schemas import MAX_SELECTION, FieldKey
from mia_crm.segments.filters import ContactFilter

__all__ = ["ExportRequest"]


class ExportRequest(BaseModel):
    """Which contacts (at most one of ``selection``, ``filter``, ``segment_id``; none:
    every contact) and which custom fields to add as columns."""

    model_config = ConfigDict(extra="forbid")

    selection: list[uuid.UUID] | None = Field(
        default=None, min_length=1, max_length=MAX_SELECTION, description="contact ids"
    )
    filter: ContactFilter | None = None
    segment_id: uuid.UUID | None = None
    field_keys: list[FieldKey] = Field(
        default_factory=list, max_length=50, description="custom fields to add as columns"
    )
    delimiter: Literal["comma", "semicolon"] = Field(
        default="comma", description="semicolon: what Excel expects in pt-BR"
    )

    @model_validator(mode="after")
    def _at_most_one_target(self) -> Self:
        given = [self.selection is not None, self.filter is not None, self.segment_id is not None]
        if sum(given) > 1:
            raise ValueError("give at most one of selection, filter and segment_id")
        return self
