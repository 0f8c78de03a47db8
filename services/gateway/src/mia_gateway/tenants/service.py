"""Tenant rules: unique slugs, the owner who comes with a new tenant, settings, suspension.

Every change is audited in its own transaction (the caller's: the request's).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.errors import Conflict, NotFound
from mia_common.identity import Role
from mia_common.pagination import PageParams
from mia_gateway.audit.service import record
from mia_gateway.auth.passwords import check_policy, hash_password
from mia_gateway.auth.repository import LoginSessionRepository
from mia_gateway.models import Tenant, TenantStatus, User
from mia_gateway.tenants.repository import TenantRepository
from mia_gateway.users.repository import UserRepository

__all__ = [
    "create_tenant",
    "create_tenant_with_owner",
    "get_tenant",
    "list_tenants",
    "reactivate_tenant",
    "slugify",
    "suspend_tenant",
    "update_tenant",
]


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:50] or "company"


async def _free_slug(tenants: TenantRepository, name: str) -> str:
    base = slugify(name)
    taken = await tenants.slugs_starting_with(base)
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


async def create_tenant_with_owner(
    *,
    session: AsyncSession,
    name: str,
    owner_email: str,
    owner_password: str | None,
    owner_name: str = "",
    timezone: str = "UTC",
    is_platform_admin: bool = False,
    email_verified: bool = False,
) -> tuple[Tenant, User]:
    """A new tenant and its owner (without a password when ``owner_password`` is None)."""
    users = UserRepository.from_session(session)
    tenants = TenantRepository.from_session(session)
    email = owner_email.strip().lower()
    if await users.email_taken(email):
        raise Conflict("an account with this email already exists", code="email_taken")
    if owner_password is not None:
        check_policy(owner_password, email=email)
    tenant = await tenants.add(
        Tenant(name=name.strip(), slug=await _free_slug(tenants, name), timezone=timezone)
    )
    owner = await users.add(
        User(
            tenant_id=tenant.id,
            email=email,
            name=owner_name,
            role=Role.owner.value,
            password_hash=hash_password(owner_password) if owner_password else None,
            is_platform_admin=is_platform_admin,
            email_verified=email_verified,
        )
    )
    return tenant, owner


async def get_tenant(*, session: AsyncSession, tenant_id: uuid.UUID) -> Tenant:
    tenant = await TenantRepository.from_session(session).get(tenant_id)
    if tenant is None:
        raise NotFound("no such tenant")
    return tenant


async def update_tenant(
    *,
    session: AsyncSession,
    tenant_id: uuid.UUID,
    actor_id: uuid.UUID,
    changes: dict[str, Any],
) -> Tenant:
    """Set ``changes`` (JSON-ready values by field name) on the tenant."""
    tenant = await get_tenant(session=session, tenant_id=tenant_id)
    for field, value in changes.items():
        setattr(tenant, field, value)
    await record(
        session=session,
        action="tenant.updated",
        tenant_id=tenant.id,
        actor_id=actor_id,
        details={"fields": sorted(changes)},
    )
    return await TenantRepository.from_session(session).save(tenant)


async def list_tenants(
    *, session: AsyncSession, page: PageParams, search: str | None
) -> tuple[list[Tenant], str | None]:
    return await TenantRepository.from_session(session).page(page=page, search=search)


async def create_tenant(
    *,
    session: AsyncSession,
    admin_id: uuid.UUID,
    name: str,
    owner_email: str,
    owner_name: str,
    timezone: str,
) -> Tenant:
    """A platform admin's new tenant; its owner has no password yet.

    They set one through the invitation the admin sends, or log in with Google/Facebook on
    the same verified address.
    """
    tenant, owner = await create_tenant_with_owner(
        session=session,
        name=name,
        owner_email=owner_email,
        owner_password=None,
        owner_name=owner_name,
        timezone=timezone,
    )
    await record(
        session=session,
        action="tenant.created",
        tenant_id=tenant.id,
        actor_id=admin_id,
        target=str(tenant.id),
        details={"owner": owner.email},
    )
    return tenant


async def suspend_tenant(
    *, session: AsyncSession, tenant_id: uuid.UUID, admin_id: uuid.UUID
) -> Tenant:
    """Suspend: every user's session of the tenant ends now, keys stop working."""
    tenant = await get_tenant(session=session, tenant_id=tenant_id)
    tenant.status = TenantStatus.SUSPENDED
    await LoginSessionRepository.from_session(session).revoke_all_of_tenant(
        tenant_id=tenant.id, reason="tenant_suspended", at=datetime.now(UTC)
    )
    await record(
        session=session,
        action="tenant.suspended",
        tenant_id=tenant.id,
        actor_id=admin_id,
        target=str(tenant.id),
    )
    return tenant


async def reactivate_tenant(
    *, session: AsyncSession, tenant_id: uuid.UUID, admin_id: uuid.UUID
) -> Tenant:
    tenant = await get_tenant(session=session, tenant_id=tenant_id)
    tenant.status = TenantStatus.ACTIVE
    await record(
        session=session,
        action="tenant.reactivated",
        tenant_id=tenant.id,
        actor_id=admin_id,
        target=str(tenant.id),
    )
    return tenant
