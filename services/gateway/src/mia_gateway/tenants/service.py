"""Tenant rules: unique slugs, the owner who comes with a new tenant, settings, suspension.

Every change is audited in its own transaction (the caller's: the request's). What a
platform administrator does to a tenant is the platform's in the tenant's log
(``audit.service.record_platform_action``).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
import uuid
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.errors import AppError, Conflict, NotFound
from mia_common.identity import Role
from mia_common.pagination import PageParams
from mia_gateway.audit.service import record, record_platform_action
from mia_gateway.auth.passwords import check_policy, hash_password
from mia_gateway.auth.principal import Principal
from mia_gateway.auth.repository import LoginSessionRepository
from mia_gateway.config import GatewaySettings
from mia_gateway.invitations.service import invite_owner
from mia_gateway.models import Invitation, Tenant, TenantStatus, User
from mia_gateway.tenants.repository import TenantRepository
from mia_gateway.users.repository import UserRepository

__all__ = [
    "CLEARED",
    "InvalidBusinessHours",
    "check_business_hours",
    "create_tenant",
    "create_tenant_with_owner",
    "get_tenant",
    "list_tenants",
    "reactivate_tenant",
    "reinvite_owner",
    "slugify",
    "suspend_tenant",
    "update_tenant",
]

# What a field sent as null becomes: the fields that can be cleared (the schema refuses
# null for the others).
CLEARED: Final[dict[str, Any]] = {"business_hours": {}, "settings": {}}


class InvalidBusinessHours(AppError):
    """Hours a schema cannot refuse: an interval that does not close after it opens, two
    that overlap."""

    status_code = 422
    title = "Invalid business hours"

    def __init__(self, detail: str, *, loc: list[str | int]) -> None:
        super().__init__(
            detail,
            code="business_hours_invalid",
            errors=[{"loc": loc, "msg": detail, "type": "business_hours_invalid"}],
        )


def check_business_hours(hours: dict[str, list[dict[str, str]]]) -> None:
    """Raise ``InvalidBusinessHours`` naming the first interval that cannot be kept.

    "HH:MM" strings compare in time order. An interval cannot cross midnight: a night
    shift is two intervals, one on each day.
    """
    for day, intervals in hours.items():
        for index, interval in enumerate(intervals):
            if interval["close"] <= interval["open"]:
                raise InvalidBusinessHours(
                    f"{day}: closes at {interval['close']}, not after it opens at"
                    f" {interval['open']}",
                    loc=["body", "business_hours", day, index],
                )
        ordered = sorted(intervals, key=lambda interval: interval["open"])
        for earlier, later in itertools.pairwise(ordered):
            if later["open"] < earlier["close"]:
                raise InvalidBusinessHours(
                    f"{day}: {earlier['open']}-{earlier['close']} overlaps"
                    f" {later['open']}-{later['close']}",
                    loc=["body", "business_hours", day],
                )


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
        # str(): a time zone may come as the schemas' enum member.
        Tenant(name=name.strip(), slug=await _free_slug(tenants, name), timezone=str(timezone))
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
    *, session: AsyncSession, actor: Principal, changes: dict[str, Any]
) -> Tenant:
    """Set ``changes`` (JSON-ready values by field name) on the actor's tenant; a null
    clears a field that can be cleared (``CLEARED``)."""
    if changes.get("business_hours"):
        check_business_hours(changes["business_hours"])
    tenant = await get_tenant(session=session, tenant_id=actor.tenant_id)
    for field, value in changes.items():
        setattr(tenant, field, CLEARED[field] if value is None else value)
    await record(
        session=session,
        action="tenant.updated",
        tenant_id=tenant.id,
        actor_id=actor.id,
        actor_kind=actor.kind,
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
    settings: GatewaySettings,
) -> tuple[Tenant, Invitation, str]:
    """A platform admin's new tenant, its owner's account (no password yet), and the
    owner's one-time link and its token, for the admin to hand over.

    The link sets the owner's password and logs them in; they may also log in with
    Google/Facebook on the same verified address.
    """
    tenant, owner = await create_tenant_with_owner(
        session=session,
        name=name,
        owner_email=owner_email,
        owner_password=None,
        owner_name=owner_name,
        timezone=timezone,
    )
    await record_platform_action(
        session=session,
        action="tenant.created",
        tenant_id=tenant.id,
        admin_id=admin_id,
        target=str(tenant.id),
        details={"owner": owner.email},
    )
    invitation, token = await invite_owner(
        session=session, owner=owner, admin_id=admin_id, settings=settings
    )
    return tenant, invitation, token


async def reinvite_owner(
    *,
    session: AsyncSession,
    tenant_id: uuid.UUID,
    admin_id: uuid.UUID,
    settings: GatewaySettings,
) -> tuple[Invitation, str]:
    """A new link for the owner of a tenant who never got in (the first one expired or
    was lost); the earlier link stops working.

    Only for an owner who has neither a password nor ever logged in: a link sets the
    account's password, and an account in use is its owner's to look after.
    """
    tenant = await get_tenant(session=session, tenant_id=tenant_id)
    owner = await UserRepository.from_session(session).owner_awaiting_first_login(tenant.id)
    if owner is None:
        raise Conflict(
            "the company's owner has already logged in: they manage their own access",
            code="owner_active",
        )
    return await invite_owner(session=session, owner=owner, admin_id=admin_id, settings=settings)


async def suspend_tenant(
    *, session: AsyncSession, tenant_id: uuid.UUID, admin_id: uuid.UUID
) -> Tenant:
    """Suspend: every user's session of the tenant ends now, keys stop working."""
    tenant = await get_tenant(session=session, tenant_id=tenant_id)
    tenant.status = TenantStatus.SUSPENDED
    await LoginSessionRepository.from_session(session).revoke_all_of_tenant(
        tenant_id=tenant.id, reason="tenant_suspended", at=datetime.now(UTC)
    )
    await record_platform_action(
        session=session,
        action="tenant.suspended",
        tenant_id=tenant.id,
        admin_id=admin_id,
        target=str(tenant.id),
    )
    return tenant


async def reactivate_tenant(
    *, session: AsyncSession, tenant_id: uuid.UUID, admin_id: uuid.UUID
) -> Tenant:
    tenant = await get_tenant(session=session, tenant_id=tenant_id)
    tenant.status = TenantStatus.ACTIVE
    await record_platform_action(
        session=session,
        action="tenant.reactivated",
        tenant_id=tenant.id,
        admin_id=admin_id,
        target=str(tenant.id),
    )
    return tenant
