"""Request and response bodies of the invitation endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, EmailStr, Field

from mia_common.identity import Role
from mia_gateway.models import Invitation

__all__ = ["AcceptInvitation", "InvitationCreate", "InvitationCreated", "InvitationOut"]


class InvitationCreate(BaseModel):
    email: EmailStr
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


class AcceptInvitation(BaseModel):
    token: str = Field(min_length=10, max_length=200)
    name: str = Field(default="", max_length=200)
    password: str = Field(min_length=1, max_length=256)
