"""Request and response bodies of the user endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from mia_common.identity import Role
from mia_gateway.models import User

__all__ = ["UserOut", "UserUpdate"]


class UserOut(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    role: Role
    disabled: bool
    last_login_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            role=Role(user.role),
            disabled=user.disabled_at is not None,
            last_login_at=user.last_login_at,
            created_at=user.created_at,
        )


class UserUpdate(BaseModel):
    name: str | None = Field(default=None, max_length=200)
    role: Role | None = None
