"""Tenant rules: unique slugs, suspension, the owner who comes with a new tenant."""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.errors import Conflict, NotFound
from mia_common.identity import Role
from mia_gateway.auth.passwords import check_policy, hash_password
from mia_gateway.models import Session, Tenant, TenantStatus, User

__all__ = ["create_tenant_with_owner", "get_tenant", "slugify", "suspend_tenant"]


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:50] or "company"


async def _free_slug(session: AsyncSession, name: str) -> str:
    base = slugify(name)
    taken = set(
        (await session.scalars(select(Tenant.slug).where(Tenant.slug.like(f"{base}%")))).all()
    )
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


async def create_tenant_with_owner(
    session: AsyncSession,
    *,
    name: str,
    owner_email: str,
    owner_password: str | None,
    owner_name: str = "",
    timezone: str = "UTC",
    is_platform_admin: bool = False,
    email_verified: bool = False,
) -> tuple[Tenant, User]:
    email = owner_email.strip().lower()
    if await session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise Conflict("an account with this email already exists", code="email_taken")
    if owner_password is not None:
        check_policy(owner_password, email=email)
    tenant = Tenant(name=name.strip(), slug=await _free_slug(session, name), timezone=timezone)
    session.add(tenant)
    await session.flush()
    owner = User(
        tenant_id=tenant.id,
        email=email,
        name=owner_name,
        role=Role.owner.value,
        password_hash=hash_password(owner_password) if owner_password else None,
        is_platform_admin=is_platform_admin,
        email_verified=email_verified,
    )
    session.add(owner)
    await session.flush()
    return tenant, owner


async def get_tenant(session: AsyncSession, tenant_id: uuid.UUID) -> Tenant:
    tenant = await session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("no such tenant")
    return tenant


async def suspend_tenant(session: AsyncSession, tenant: Tenant) -> None:
    """Suspend: every user's session of the tenant ends now, keys stop working."""
    tenant.status = TenantStatus.SUSPENDED
    await session.execute(
        update(Session)
        .where(Session.tenant_id == tenant.id, Session.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC), revoked_reason="tenant_suspended")
    )
