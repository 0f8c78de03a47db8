"""Request and response bodies of the user endpoints, and the email address of an account."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Final

from pydantic import BaseModel, Field

from mia_common.identity import Role
from mia_common.text import ApiStr
from mia_gateway.models import User

__all__ = ["EMAIL_MAX_LENGTH", "EMAIL_PATTERN", "EmailAddress", "UserName", "UserOut", "UserUpdate"]

# What an address needs to be one we can hand an account to: a local part, an @ and a
# domain with a dot, no spaces, controls or NUL. Said in the document as a pattern (not
# ``format: email`` and a stricter check behind it), so a client knows exactly what is
# accepted: the special-use domains (.test, .local) that email-validator refuses are
# addresses like any other to a platform that sends no mail itself. The excluded
# characters are spelled out, not ``\s``, which means three different sets to the
# document's regex dialect (ECMA), Python's and pydantic's (Rust).
_NOT_IN_ADDRESS: Final = (
    r"@\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
EMAIL_PATTERN: Final = rf"^[^{_NOT_IN_ADDRESS}]+@[^{_NOT_IN_ADDRESS}.]+(\.[^{_NOT_IN_ADDRESS}.]+)+$"
# Half the column's 320: the services store addresses lower-cased, and lower-casing can
# double a length (U+0130, İ, becomes i and a combining dot above; no other character
# grows).
EMAIL_MAX_LENGTH: Final = 160
EmailAddress = Annotated[
    str,
    Field(
        min_length=3,
        max_length=EMAIL_MAX_LENGTH,
        pattern=EMAIL_PATTERN,
        examples=["maria@example.com"],
    ),
]
"""An email address a new account gets (stored lower-cased by the services)."""
UserName = Annotated[ApiStr, Field(max_length=200)]


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
    name: UserName | None = Field(default=None, description="absent or null: unchanged")
    role: Role | None = Field(default=None, description="absent or null: unchanged")
