"""Request and response bodies of the authentication endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from mia_common.identity import Role
from mia_common.text import ApiStr
from mia_gateway.auth.principal import Principal
from mia_gateway.invitations.schemas import NewPassword
from mia_gateway.models import Tenant, User
from mia_gateway.tenants.schemas import TenantName, TimeZone, TimeZoneName
from mia_gateway.users.schemas import EmailAddress, UserName

__all__ = [
    "LoginRequest",
    "MeResponse",
    "SignupRequest",
    "TenantSummary",
    "TokenResponse",
    "UserView",
]


class LoginRequest(BaseModel):
    # Not EmailAddress, nor the password policy: logging in must work for any address and
    # password an account was ever created with (MIA_ADMIN_EMAIL, an older policy).
    email: Annotated[ApiStr, Field(min_length=3, max_length=320)]
    password: Annotated[ApiStr, Field(min_length=1, max_length=256)]


class SignupRequest(BaseModel):
    company: TenantName
    name: UserName = ""
    email: EmailAddress
    password: NewPassword
    timezone: TimeZone = TimeZoneName("UTC")


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105  (the OAuth token type, not a secret)
    expires_in: int = Field(description="seconds until the access token expires")
    expires_at: datetime


class UserView(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    role: Role
    is_platform_admin: bool


class TenantSummary(BaseModel):
    id: uuid.UUID
    name: str
    slug: str
    timezone: str
    status: str


class MeResponse(BaseModel):
    kind: str = Field(description="'user' or 'api_key'")
    user: UserView | None
    tenant: TenantSummary
    role: Role
    scopes: list[str]

    @classmethod
    def of(cls, principal: Principal, *, tenant: Tenant, user: User | None) -> MeResponse:
        return cls(
            kind=principal.kind,
            user=(
                UserView(
                    id=user.id,
                    email=user.email,
                    name=user.name,
                    role=principal.role,
                    is_platform_admin=user.is_platform_admin,
                )
                if user is not None
                else None
            ),
            tenant=TenantSummary(
                id=tenant.id,
                name=tenant.name,
                slug=tenant.slug,
                timezone=tenant.timezone,
                status=tenant.status,
            ),
            role=principal.role,
            scopes=list(principal.scopes),
        )
