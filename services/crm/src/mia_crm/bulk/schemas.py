"""The bodies of ``POST /api/v1/contacts/bulk``: which contacts, and what to do to them.

The contacts are a ``selection`` (ids, up to 10,000: what a person ticked), a ``filter``
(the segment filter language) or a saved ``segment_id``: exactly one. The action is told
by ``action``, its arguments by ``params``.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal, Self, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mia_common.text import api_str
from mia_crm.contacts.schemas import Fields
from mia_crm.segments.filters import ContactFilter

__all__ = [
    "MAX_SELECTION",
    "BulkDelete",
    "BulkExport",
    "BulkRequest",
    "BulkSetField",
    "BulkSetOwner",
    "BulkTag",
    "BulkUntag",
    "ExportParams",
    "FieldParams",
    "OwnerParams",
    "TagParams",
    "Targeted",
]

MAX_SELECTION = 10_000
FieldKey = Annotated[str, api_str(min_length=1, max_length=64)]


_TARGETS = ("selection", "filter", "segment_id")


def _document_one_target(schema: dict[str, Any]) -> None:
    # The document says what the validator enforces: exactly one of the three, never null.
    properties = schema.get("properties", {})
    for key in _TARGETS:
        prop = properties.get(key)
        if prop is None:
            continue
        prop.pop("default", None)
        options = [option for option in prop.pop("anyOf", []) if option.get("type") != "null"]
        if len(options) == 1:
            prop.update(options[0])
        elif options:
            prop["anyOf"] = options
    schema["oneOf"] = [{"required": [key]} for key in _TARGETS]


class Targeted(BaseModel):
    """Which contacts: exactly one of ``selection``, ``filter``, ``segment_id``."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_document_one_target)

    selection: list[uuid.UUID] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_SELECTION,
        description="contact ids; another tenant's or a deleted one counts as failed",
    )
    filter: ContactFilter | None = Field(
        default=None, description="every contact the filter matches when the job starts"
    )
    segment_id: uuid.UUID | None = Field(
        default=None, description="every contact the saved segment matches when it starts"
    )

    @model_validator(mode="before")
    @classmethod
    def _no_null_target(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in _TARGETS:
                if key in data and data[key] is None:
                    raise ValueError(f"{key} must not be null: leave it out")
        return data

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        given = [self.selection is not None, self.filter is not None, self.segment_id is not None]
        if sum(given) != 1:
            raise ValueError("give exactly one of selection, filter and segment_id")
        return self


class TagParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tag_ids: list[uuid.UUID] = Field(min_length=1, max_length=50)


class OwnerParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner_user_id: uuid.UUID | None = Field(
        description="an active user of the tenant (422 `assignee_unknown` otherwise); null:"
        " nobody. An agent may name only themselves or null (403 `owner_not_allowed`), and"
        " their run changes only the contacts nobody or they own: the others count as"
        " failed and in the result's `not_allowed`"
    )


class FieldParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fields: Annotated[
        Fields,
        Field(
            min_length=1,
            max_length=50,
            json_schema_extra={"minProperties": 1, "maxProperties": 50},
        ),
    ]


class DeleteParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExportParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field_keys: list[FieldKey] = Field(
        default_factory=list, max_length=50, description="custom fields to add as columns"
    )
    delimiter: Literal["comma", "semicolon"] = Field(
        default="comma", description="semicolon: what Excel expects in pt-BR"
    )


class BulkTag(Targeted):
    action: Literal["tag"]
    params: TagParams


class BulkUntag(Targeted):
    action: Literal["untag"]
    params: TagParams


class BulkSetOwner(Targeted):
    action: Literal["set_owner"]
    params: OwnerParams


class BulkSetField(Targeted):
    action: Literal["set_field"]
    params: FieldParams


class BulkDelete(Targeted):
    """Deletes the contacts with their conversations, messages, notes, leads, tags and
    consent. Managers and above."""

    action: Literal["delete"]
    params: DeleteParams = Field(default_factory=DeleteParams)


class BulkExport(Targeted):
    """A CSV file made by a job (for big sets), downloaded from
    ``GET /api/v1/exports/{job_id}/contacts.csv`` once it succeeded."""

    action: Literal["export"]
    params: ExportParams = Field(default_factory=ExportParams)


BulkRequest = Annotated[
    Union[BulkTag, BulkUntag, BulkSetOwner, BulkSetField, BulkDelete, BulkExport],  # noqa: UP007
    Field(discriminator="action"),
]
