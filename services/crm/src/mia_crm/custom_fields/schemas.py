"""The custom fields API's bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field

from mia_common.text import NonBlankApiStr, api_str
from mia_crm.models import CustomField, FieldKind

__all__ = [
    "KEY_PATTERN",
    "MAX_OPTIONS",
    "CustomFieldCreate",
    "CustomFieldList",
    "CustomFieldOut",
    "CustomFieldUpdate",
    "FieldOrder",
]

KEY_PATTERN = "^[a-z][a-z0-9_]{0,63}$"
MAX_OPTIONS = 200

if TYPE_CHECKING:  # mypy cannot read api_str's Annotated as a type
    Key = str
else:
    Key = api_str(pattern=KEY_PATTERN)
Label = Annotated[NonBlankApiStr, Field(max_length=128)]
Option = Annotated[NonBlankApiStr, Field(max_length=100)]
Options = Annotated[list[Option], Field(min_length=1, max_length=MAX_OPTIONS)]


class CustomFieldOut(BaseModel):
    id: uuid.UUID
    key: str = Field(description="where values are stored: `fields.<key>` of a contact")
    label: str
    kind: FieldKind
    options: list[str] | None = Field(description="the choices of a select or multi_select")
    position: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, field: CustomField) -> CustomFieldOut:
        return cls(
            id=field.id,
            key=field.key,
            label=field.label,
            kind=FieldKind(field.kind),
            options=field.options,
            position=field.position,
            created_at=field.created_at,
            updated_at=field.updated_at,
        )


class CustomFieldList(BaseModel):
    items: list[CustomFieldOut] = Field(description="in display order")


class CustomFieldCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: Key | None = Field(
        default=None,
        description="a stable slug (lower case, digits, _); derived from the label when left"
        " out. It never changes: values, filters and templates refer to it",
    )
    label: Label
    kind: FieldKind
    options: Options | None = Field(
        default=None,
        description="distinct; required for select and multi_select, refused otherwise"
        " (422 `invalid_field_definition`)",
    )


class CustomFieldUpdate(BaseModel):
    """Fields left out stay as they are. The key never changes."""

    model_config = ConfigDict(extra="forbid")

    label: Label | None = None
    kind: FieldKind | None = Field(
        default=None, description="refused (409 `custom_field_in_use`) while contacts hold values"
    )
    options: Options | None = Field(
        default=None,
        description="the full new list; removing an option contacts hold is refused (409"
        " `option_in_use`)",
    )


class FieldOrder(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: Annotated[list[uuid.UUID], Field(max_length=1000)] = Field(
        description="every custom field id of the tenant, once, in the new order"
    )
