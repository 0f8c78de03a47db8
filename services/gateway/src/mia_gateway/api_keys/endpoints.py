"""Create (shown once), list, revoke API keys."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select

from mia_common.db.requests import SessionDep
from mia_common.errors import NotFound
from mia_common.identity import Role
from mia_common.pagination import Page, PageQuery, fetch_page
from mia_gateway.audit.service import record
from mia_gateway.auth.principal import API_KEY_PREFIX, AdminPrincipal
from mia_gateway.auth.secrets import digest, new_token
from mia_gateway.models import ApiKey
from mia_gateway.users.service import check_may_assign

router = APIRouter(prefix="/api/v1/api-keys", tags=["api keys"])
SCOPE_PATTERN = r"^(\*|[a-z][a-z0-9-]{1,40})$"


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    role: Role = Role.agent
    scopes: list[str] = Field(
        default_factory=lambda: ["*"],
        min_length=1,
        description="API areas the key may call (crm, campaigns, ...) or * for all",
    )

    @field_validator("scopes")
    @classmethod
    def _scopes(cls, value: list[str]) -> list[str]:
        import re

        bad = [scope for scope in value if not re.match(SCOPE_PATTERN, scope)]
        if bad:
            raise ValueError(f"not a scope: {bad}")
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


@router.post("", response_model=ApiKeyCreated, status_code=201, summary="Create a key")
async def create_key(
    body: ApiKeyCreate, principal: AdminPrincipal, session: SessionDep
) -> ApiKeyCreated:
    check_may_assign(principal, body.role)
    prefix = secrets.token_hex(6)
    secret = new_token()
    key = ApiKey(
        tenant_id=principal.tenant_id,
        name=body.name,
        prefix=prefix,
        secret_hash=digest(secret),
        role=body.role.value,
        scopes=body.scopes,
        created_by=principal.id,
    )
    session.add(key)
    await session.flush()
    await session.refresh(key)
    await record(
        session,
        action="api_key.created",
        tenant_id=principal.tenant_id,
        actor_id=principal.id,
        target=str(key.id),
        details={"name": key.name, "role": key.role, "scopes": key.scopes},
    )
    return ApiKeyCreated(**ApiKeyOut.of(key).model_dump(), key=f"{API_KEY_PREFIX}{prefix}_{secret}")


@router.get("", response_model=Page[ApiKeyOut], summary="The company's keys")
async def list_keys(
    principal: AdminPrincipal, session: SessionDep, page: PageQuery
) -> Page[ApiKeyOut]:
    query = select(ApiKey).where(ApiKey.tenant_id == principal.tenant_id)
    rows, cursor = await fetch_page(session, query, page, key=ApiKey.id)
    return Page(items=[ApiKeyOut.of(k) for k in rows], next_cursor=cursor)


@router.delete("/{key_id}", status_code=204, summary="Revoke a key: it stops working now")
async def revoke_key(key_id: uuid.UUID, principal: AdminPrincipal, session: SessionDep) -> Response:
    key = await session.scalar(
        select(ApiKey).where(ApiKey.id == key_id, ApiKey.tenant_id == principal.tenant_id)
    )
    if key is None:
        raise NotFound("no such API key")
    if key.revoked_at is None:
        key.revoked_at = datetime.now(UTC)
        await record(
            session,
            action="api_key.revoked",
            tenant_id=principal.tenant_id,
            actor_id=principal.id,
            target=str(key.id),
        )
    return Response(status_code=204)
