"""The bodies of ``/api/v1/duplicates``."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mia_crm.contacts.schemas import ContactOut

__all__ = ["DismissRequest", "DuplicatePair", "MergeRequest"]


class DuplicatePair(BaseModel):
    reason: Literal["email", "phone"] = Field(
        description="email: the same address, ignoring case; phone: a Brazilian mobile"
        " with and without its ninth digit"
    )
    a: ContactOut
    b: ContactOut


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    survivor_id: uuid.UUID = Field(description="the contact that stays, with everything")
    absorbed_id: uuid.UUID = Field(description="the contact folded into it, then gone (404)")


class DismissRequest(BaseModel):
    """Two contacts a person says are not one: never suggested together again."""

    model_config = ConfigDict(extra="forbid")

    a: uuid.UUID
    b: uuid.UUID
