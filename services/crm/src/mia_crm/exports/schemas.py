"""The bodies of ``/api/v1/exports``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mia_crm.bulk.schemas import FieldKey, Targeted

__all__ = ["ExportRequest"]


class ExportRequest(Targeted):
    """Which contacts (exactly one of ``selection``, ``filter``, ``segment_id``; every
    contact or a segment's: ``GET``) and which custom fields to add as columns."""

    field_keys: list[FieldKey] = Field(
        default_factory=list, max_length=50, description="custom fields to add as columns"
    )
    delimiter: Literal["comma", "semicolon"] = Field(
        default="comma", description="semicolon: what Excel expects in pt-BR"
    )
