"""Request and response bodies of the team endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Final

from pydantic import AfterValidator, BaseModel, Field

from mia_common.text import ApiStr, NonBlankApiStr, is_blank
from mia_gateway.models import Team

__all__ = [
    "MAX_MEMBERS",
    "DescriptionText",
    "TeamCreate",
    "TeamDescription",
    "TeamName",
    "TeamOut",
    "TeamUpdate",
]

# Far above any team a person manages by hand; a bound on the one request's work.
MAX_MEMBERS: Final = 1000


def _collapse_spaces(value: str) -> str:
    # "  Sales   team " and "Sales team" are one name: the uniqueness check sees it so.
    return " ".join(value.split())


def _blank_is_none(value: str | None) -> str | None:
    if value is None or is_blank(value):
        return None
    return value.strip()


TeamName = Annotated[NonBlankApiStr, Field(max_length=100), AfterValidator(_collapse_spaces)]
DescriptionText = Annotated[ApiStr, Field(max_length=500)]
TeamDescription = Annotated[DescriptionText | None, AfterValidator(_blank_is_none)]
"""What the team is for; blank or null: none (stored trimmed)."""
MemberIds = Annotated[
    list[uuid.UUID],
    Field(
        max_length=MAX_MEMBERS,
        description="users of the company (each once; repeats are ignored)",
    ),
]


class TeamOut(BaseModel):
    id: uuid.UUID
    name: str
    description: str | None
    member_ids: list[uuid.UUID] = Field(
        description="every member, disabled users included, in the order of their ids"
    )
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, team: Team, member_ids: list[uuid.UUID]) -> TeamOut:
        return cls(
            id=team.id,
            name=team.name,
            description=team.description,
            member_ids=member_ids,
            created_at=team.created_at,
            updated_at=team.updated_at,
        )


class TeamCreate(BaseModel):
    name: TeamName
    description: TeamDescription = None
    member_ids: MemberIds = Field(default_factory=list)


class TeamUpdate(BaseModel):
    name: TeamName | None = Field(default=None, description="absent or null: unchanged")
    description: TeamDescription = Field(
        default=None, description="absent: unchanged; null or blank: removed"
    )
    member_ids: MemberIds | None = Field(
        default=None, description="the whole new set of members; absent or null: unchanged"
    )
