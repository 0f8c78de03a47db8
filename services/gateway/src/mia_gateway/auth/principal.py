"""Who is calling: a user with an access token, or an integration with an API key.

Every request re-reads the user, the tenant and the session (or the key) from the
database, so disabling a user, suspending a tenant, revoking a key or logging out stops
the caller at once, not when a token expires.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.db.requests import SessionDep
from mia_common.errors import Forbidden, Unauthorized
from mia_common.identity import Role
from mia_gateway.auth.secrets import matches
from mia_gateway.auth.tokens import decode_access_token
from mia_gateway.config import GatewaySettings
from mia_gateway.context import SettingsDep
from mia_gateway.models import ApiKey, Session, Tenant, TenantStatus, User

__all__ = [
    "API_KEY_PREFIX",
    "AdminPrincipal",
    "CurrentPrincipal",
    "ManagerPrincipal",
    "OwnerPrincipal",
    "PlatformAdmin",
    "Principal",
    "authenticate",
    "get_principal",
    "parse_api_key",
    "require_platform_admin",
    "require_role",
]

API_KEY_PREFIX = "mia_"
# Writing last_used_at on every call would turn each read into a write; a minute is
# precise enough to tell which keys are in use.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Principal:
    kind: str  # "user" or "api_key"
    id: uuid.UUID  # the user's or the key's id
    tenant_id: uuid.UUID
    role: Role
    email: str | None = None
    is_platform_admin: bool = False
    session_id: uuid.UUID | None = None
    scopes: tuple[str, ...] = ("*",)

    def may_use_area(self, area: str) -> bool:
        return "*" in self.scopes or area in self.scopes


def parse_api_key(value: str) -> tuple[str, str] | None:
    """``mia_<prefix>_<secret>`` → (prefix, secret), or None when it is not a key."""
    if not value.startswith(API_KEY_PREFIX):
        return None
    prefix, _, secret = value[len(API_KEY_PREFIX) :].partition("_")
    if not prefix or not secret:
        return None
    return prefix, secret


def _credentials(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        return value.strip()
    return request.headers.get("x-api-key")


async def _user_principal(
    session: AsyncSession, token: str, settings: GatewaySettings
) -> Principal:
    claims = decode_access_token(token, secret=settings.jwt_secret.get_secret_value())
    row = (
        await session.execute(
            select(User, Tenant, Session)
            .join(Tenant, Tenant.id == User.tenant_id)
            .join(Session, Session.user_id == User.id)
            .where(
                User.id == claims.user_id,
                Session.id == claims.session_id,
                Tenant.id == claims.tenant_id,
            )
        )
    ).first()
    if row is None:
        raise Unauthorized("the session no longer exists", code="session_revoked")
    user, tenant, login = row
    if login.revoked_at is not None:
        raise Unauthorized("the session was ended: log in again", code="session_revoked")
    if user.disabled_at is not None:
        raise Unauthorized("this user is disabled", code="user_disabled")
    if tenant.status != TenantStatus.ACTIVE and not user.is_platform_admin:
        raise Unauthorized("this company's account is suspended", code="tenant_suspended")
    return Principal(
        kind="user",
        id=user.id,
        tenant_id=tenant.id,
        role=Role(user.role),
        email=user.email,
        is_platform_admin=user.is_platform_admin,
        session_id=login.id,
    )


async def _key_principal(session: AsyncSession, prefix: str, secret: str) -> Principal:
    row = (
        await session.execute(
            select(ApiKey, Tenant)
            .join(Tenant, Tenant.id == ApiKey.tenant_id)
            .where(ApiKey.prefix == prefix)
        )
    ).first()
    if row is None or not matches(secret, row[0].secret_hash):
        raise Unauthorized("the API key is not valid", code="api_key_invalid")
    key, tenant = row
    if key.revoked_at is not None:
        raise Unauthorized("the API key was revoked", code="api_key_revoked")
    if tenant.status != TenantStatus.ACTIVE:
        raise Unauthorized("this company's account is suspended", code="tenant_suspended")
    now = datetime.now(UTC)
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        await session.execute(update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=now))
    return Principal(
        kind="api_key",
        id=key.id,
        tenant_id=tenant.id,
        role=Role(key.role),
        scopes=tuple(key.scopes),
    )


async def authenticate(
    session: AsyncSession, credentials: str | None, settings: GatewaySettings
) -> Principal:
    if not credentials:
        raise Unauthorized("log in or send an API key", code="credentials_missing")
    parsed = parse_api_key(credentials)
    if parsed is not None:
        return await _key_principal(session, *parsed)
    return await _user_principal(session, credentials, settings)


async def get_principal(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
) -> Principal:
    principal = await authenticate(session, _credentials(request), settings)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_role(minimum: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency admitting ``minimum`` and the roles above it."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if not principal.role.at_least(minimum):
            raise Forbidden(f"this needs the {minimum.value} role or above", code="role_required")
        return principal

    return check


async def require_platform_admin(principal: CurrentPrincipal) -> Principal:
    if not principal.is_platform_admin:
        raise Forbidden("only platform administrators may do this", code="platform_admin_required")
    return principal


ManagerPrincipal = Annotated[Principal, Depends(require_role(Role.manager))]
AdminPrincipal = Annotated[Principal, Depends(require_role(Role.admin))]
OwnerPrincipal = Annotated[Principal, Depends(require_role(Role.owner))]
PlatformAdmin = Annotated[Principal, Depends(require_platform_admin)]
