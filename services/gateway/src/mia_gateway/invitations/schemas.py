"""Request and response bodies of the invitation endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from mia_common.identity import Role
from mia_common.text import ApiStr
from mia_gateway.auth.passwords import MAX_LENGTH, MIN_LENGTH
from mia_gateway.models import Invitation
from mia_gateway.users.schemas import EmailAddress, UserName

__all__ = [
    "AcceptInvitation",
    "InvitationCreate",
    "InvitationCreated",
    "InvitationOut",
    "NewPassword",
]

NewPassword = Annotated[
    ApiStr,
    Field(
        min_length=MIN_LENGTH,
        max_length=MAX_LENGTH,
        description=f"at least {MIN_LENGTH} characters, more than three different ones, not a"
        " common password, not the address's name",
    ),
]


class InvitationCreate(BaseModel):
    email: EmailAddress
    role: Role = Role.agent


class InvitationOut(BaseModel):
    id: uuid.UUID
    email: str
    role: Role
    expires_at: datetime
    created_at: datetime

    @classmethod
    def of(cls, invitation: Invitation) -> InvitationOut:
        return cls(
            id=invitation.id,
            email=invitation.email,
            role=Role(invitation.role),
            expires_at=invitation.expires_at,
            created_at=invitation.created_at,
        )


class InvitationCreated(InvitationOut):
    accept_url: str = Field(description="shown once: send it to the person invited")
    token: str

    @classmethod
    def issued(cls, invitation: Invitation, *, token: str, public_url: str) -> InvitationCreated:
        """The invitation with its link, which only this answer ever shows."""
        return cls(
            **InvitationOut.of(invitation).model_dump(),
            token=token,
            accept_url=f"{public_url}/accept-invitation#token={token}",
        )


class AcceptInvitation(BaseModel):
    # The link's token is URL-safe base64 (``auth.secrets.new_token``).
    token: str = Field(min_length=10, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")
    name: UserName = Field(
        default="", description="the person's name; for an account that exists, empty keeps it"
    )
    password: NewPassword
