"""Request and response bodies of the authentication endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, EmailStr, Field

from mia_common.identity import Role


class LoginRequest(BaseModel):
    # Not EmailStr: logging in must work for any address an account was created with.
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=256)


class SignupRequest(BaseModel):
    company: str = Field(min_length=2, max_length=200)
    name: str = Field(default="", max_length=200)
    email: EmailStr
    password: str = Field(min_length=1, max_length=256)
    timezone: str = Field(default="UTC", max_length=64)


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
