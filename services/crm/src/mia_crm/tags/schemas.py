"""The tags API's bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from mia_common.text import NonBlankApiStr, api_str
from mia_crm.models import Tag

__all__ = ["DEFAULT_COLOR", "TagCreate", "TagOut", "TagRef", "TagUpdate"]

DEFAULT_COLOR = "#64748b"


def _collapse(name: str) -> str:
    return " ".join(name.split())


TagName = Annotated[NonBlankApiStr, Field(max_length=64), AfterValidator(_collapse)]
if TYPE_CHECKING:  # mypy cannot read api_str's Annotated as a type
    Color = str
else:
    Color = Annotated[
        api_str(pattern="^#[0-9a-fA-F]{6}$"),
        Field(description="#rrggbb; answered in lower case", examples=["#22c55e"]),
        AfterValidator(str.lower),
    ]


class TagRef(BaseModel):
    """A tag as a contact shows it."""

    id: uuid.UUID
    name: str
    color: str

    @classmethod
    def of(cls, tag: Tag) -> TagRef:
        return cls(id=tag.id, name=tag.name, color=tag.color)


class TagOut(TagRef):
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, tag: Tag) -> TagOut:
        return cls(
            id=tag.id,
            name=tag.name,
            color=tag.color,
            created_at=tag.created_at,
            updated_at=tag.updated_at,
        )


class TagCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: TagName = Field(description="unique in the tenant, whatever its case")
    color: Color = DEFAULT_COLOR


class TagUpdate(BaseModel):
    """Fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    name: TagName | None = None
    color: Color | None = None
