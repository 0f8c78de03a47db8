"""API keys: created with a secret shown once, listed, revoked (they stop working at once).

Only a SHA-256 of the secret is stored (``auth.secrets``); the prefix finds the key.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.errors import NotFound
from mia_common.identity import Role
from mia_common.pagination import PageParams
from mia_gateway.api_keys.repository import ApiKeyRepository
from mia_gateway.audit.service import record
from mia_gateway.auth.principal import API_KEY_PREFIX, Principal
from mia_gateway.auth.secrets import digest, new_token
from mia_gateway.models import ApiKey
from mia_gateway.users.service import check_may_assign

__all__ = ["create_key", "list_keys", "revoke_key"]


async def create_key(
    *, session: AsyncSession, actor: Principal, name: str, role: Role, scopes: list[str]
) -> tuple[ApiKey, str]:
    """The new key and the whole secret ``mia_<prefix>_<secret>``, which is never stored."""
    check_may_assign(actor, role)
    prefix = secrets.token_hex(6)
    secret = new_token()
    key = await ApiKeyRepository.from_session(session).add(
        ApiKey(
            tenant_id=actor.tenant_id,
            name=name,
            prefix=prefix,
            secret_hash=digest(secret),
            role=role.value,
            scopes=scopes,
            created_by=actor.id,
        )
    )
    await record(
        session=session,
        action="api_key.created",
        tenant_id=actor.tenant_id,
        actor_id=actor.id,
        actor_kind=actor.kind,
        target=str(key.id),
        details={"name": key.name, "role": key.role, "scopes": key.scopes},
    )
    return key, f"{API_KEY_PREFIX}{prefix}_{secret}"


async def list_keys(
    *, session: AsyncSession, tenant_id: uuid.UUID, page: PageParams
) -> tuple[list[ApiKey], str | None]:
    return await ApiKeyRepository.from_session(session).page_of_tenant(
        tenant_id=tenant_id, page=page
    )


async def revoke_key(*, session: AsyncSession, actor: Principal, key_id: uuid.UUID) -> None:
    """Revoked now (once: revoking again changes nothing); another tenant's key is not found."""
    key = await ApiKeyRepository.from_session(session).get_of_tenant(
        tenant_id=actor.tenant_id, key_id=key_id
    )
    if key is None:
        raise NotFound("no such API key")
    if key.revoked_at is None:
        key.revoked_at = datetime.now(UTC)
        await record(
            session=session,
            action="api_key.revoked",
            tenant_id=actor.tenant_id,
            actor_id=actor.id,
            actor_kind=actor.kind,
            target=str(key.id),
        )
