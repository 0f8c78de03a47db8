"""Request and response bodies of the API key endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, field_validator

from mia_common.identity import Role
from mia_common.text import ApiStr
from mia_gateway.models import ApiKey

__all__ = ["SCOPE_PATTERN", "ApiKeyCreate", "ApiKeyCreated", "ApiKeyOut", "Scope"]

SCOPE_PATTERN = r"^(\*|[a-z][a-z0-9-]{1,40})$"
# An API area's name (crm, campaigns, ...) or * for all; the pattern is the whole rule.
Scope = Annotated[str, Field(pattern=SCOPE_PATTERN, examples=["crm"])]


class ApiKeyCreate(BaseModel):
    name: Annotated[ApiStr, Field(min_length=1, max_length=100)]
    role: Role = Role.agent
    scopes: list[Scope] = Field(
        default_factory=lambda: ["*"],
        min_length=1,
        max_length=50,
        description="API areas the key may call (crm, campaigns, ...) or * for all",
    )

    @field_validator("scopes")
    @classmethod
    def _scopes(cls, value: list[str]) -> list[str]:
        # Each once, in one order: the key's scopes read the same however they were sent.
        return sorted(set(value))


class ApiKeyOut(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str
    role: Role
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyOut:
        return cls(
            id=key.id,
            name=key.name,
            prefix=key.prefix,
            role=Role(key.role),
            scopes=key.scopes,
            created_at=key.created_at,
            last_used_at=key.last_used_at,
            revoked_at=key.revoked_at,
        )


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="shown this once; store it now")
