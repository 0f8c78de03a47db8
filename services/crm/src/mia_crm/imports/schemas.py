"""The imports API's bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from mia_common.contracts.contacts import ConsentChannel, ConsentStatus
from mia_common.text import api_str
from mia_crm.imports.mapping import ContactTarget

__all__ = [
    "CellProblem",
    "ColumnMapping",
    "ColumnOut",
    "ConsentGrant",
    "ImportCounts",
    "ImportOut",
    "ImportPreview",
    "ImportStart",
    "ImportStatus",
    "OnExisting",
    "PreviewRequest",
    "PreviewRow",
]

TARGET_PATTERN = (
    "^(" + "|".join(target.value for target in ContactTarget) + r"|fields\.[a-z][a-z0-9_]{0,63})$"
)
MAX_COLUMNS = 500


class ImportStatus(StrEnum):
    READY = "ready"
    """Uploaded and analysed; not started."""
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class OnExisting(StrEnum):
    UPDATE = "update"
    SKIP = "skip"


class ColumnOut(BaseModel):
    index: int = Field(description="0 for the first column")
    header: str = Field(description="the header's text, or 'Column N' without a header")
    suggested: str | None = Field(
        description="the field suggested for it: a contact field or fields.<key>; null: none"
    )


class CellProblem(BaseModel):
    column: str | None = Field(description="the column's header; null: the whole row")
    reason: str


class PreviewRow(BaseModel):
    row_number: int = Field(description="as a spreadsheet numbers it (the header is row 1)")
    values: list[str]
    errors: list[CellProblem] = Field(description="empty: the row would be imported")


class ImportCounts(BaseModel):
    total: int | None = Field(description="rows with data (blank rows are ignored)")
    created: int
    updated: int
    skipped: int = Field(description="already a contact, and on_existing was skip")
    rejected: int = Field(description="rows not imported: see rejections.csv")


class ImportOut(BaseModel):
    id: uuid.UUID
    filename: str | None
    size_bytes: int
    encoding: str = Field(description="utf-8-sig (with a BOM), utf-8 or cp1252")
    delimiter: str
    has_header: bool
    columns: list[ColumnOut]
    status: ImportStatus
    job_id: uuid.UUID | None = Field(description="the job running it: GET /api/v1/jobs/{id}")
    counts: ImportCounts
    error: str | None = Field(description="why the import failed")
    created_at: datetime


class ImportPreview(ImportOut):
    preview: list[PreviewRow] = Field(description="the first rows, read with the mapping")


class ColumnMapping(BaseModel):
    model_config = ConfigDict(extra="forbid")

    column: int = Field(ge=0, lt=MAX_COLUMNS, description="the column's index")
    field: api_str(pattern=TARGET_PATTERN) = Field(  # type: ignore[valid-type]
        description="a contact field, or fields.<key> for a custom field"
    )


Mapping = Annotated[list[ColumnMapping], Field(max_length=MAX_COLUMNS)]


class PreviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mapping: Mapping | None = Field(default=None, description="null: the suggested one")
    has_header: bool | None = Field(default=None, description="null: as analysis found")


class ConsentGrant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: ConsentChannel
    status: ConsentStatus


class ImportStart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mapping: Annotated[list[ColumnMapping], Field(min_length=1, max_length=MAX_COLUMNS)]
    tags: Annotated[list[uuid.UUID], Field(max_length=50)] = Field(
        default_factory=list, description="tags given to every contact imported"
    )
    on_existing: OnExisting = Field(
        default=OnExisting.UPDATE,
        description="a row whose phone or user id is a contact already: update it or skip it",
    )
    consent: ConsentGrant | None = Field(
        default=None,
        description="recorded for every contact imported (source: import); an import never"
        " opts back in a contact who opted out",
    )
    has_header: bool | None = Field(default=None, description="null: as analysis found")
