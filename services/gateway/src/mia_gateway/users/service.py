"""Managing a tenant's users, and who may change whom (the role matrix's target rules).

Every role or access change is audited in the request's transaction.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.errors import Conflict, Forbidden, NotFound
from mia_common.identity import Role
from mia_common.pagination import PageParams
from mia_gateway.audit.service import record
from mia_gateway.auth.principal import Principal
from mia_gateway.auth.sessions import end_user_sessions
from mia_gateway.models import User
from mia_gateway.users.repository import UserRepository

__all__ = [
    "change_user",
    "check_may_assign",
    "check_may_manage",
    "check_not_last_owner",
    "disable_user",
    "enable_user",
    "get_user_of_tenant",
    "list_users",
]


async def get_user_of_tenant(
    *, session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
) -> User:
    """The user, if it belongs to ``tenant_id``; another tenant's user is simply not found."""
    user = await UserRepository.from_session(session).get_of_tenant(
        tenant_id=tenant_id, user_id=user_id
    )
    if user is None:
        raise NotFound("no such user", code="user_unknown")
    return user


def check_may_assign(actor: Principal, role: Role) -> None:
    """Only an owner hands out the owner role; nobody hands out more than they have."""
    if not actor.role.at_least(role):
        raise Forbidden(f"you cannot grant the {role.value} role", code="role_too_high")


def check_may_manage(actor: Principal, target: User) -> None:
    if target.id == actor.id:
        raise Forbidden("you cannot change your own role or access", code="self_change")
    if Role(target.role) is Role.owner and actor.role is not Role.owner:
        raise Forbidden("only an owner can change another owner", code="owner_protected")


async def check_not_last_owner(*, session: AsyncSession, target: User) -> None:
    if Role(target.role) is not Role.owner:
        return
    if await UserRepository.from_session(session).count_active_owners(target.tenant_id) <= 1:
        raise Conflict("a company keeps at least one active owner", code="last_owner")


async def list_users(
    *,
    session: AsyncSession,
    tenant_id: uuid.UUID,
    page: PageParams,
    search: str | None,
    role: Role | None,
) -> tuple[list[User], str | None]:
    return await UserRepository.from_session(session).page_of_tenant(
        tenant_id=tenant_id, page=page, search=search, role=role
    )


async def change_user(
    *,
    session: AsyncSession,
    actor: Principal,
    user_id: uuid.UUID,
    name: str | None,
    role: Role | None,
) -> User:
    """A new name and/or role; a role change follows the role matrix and is audited."""
    user = await get_user_of_tenant(session=session, tenant_id=actor.tenant_id, user_id=user_id)
    if role is not None and role.value != user.role:
        check_may_manage(actor, user)
        check_may_assign(actor, role)
        if role is not Role.owner:
            await check_not_last_owner(session=session, target=user)
        await record(
            session=session,
            action="user.role_changed",
            tenant_id=actor.tenant_id,
            actor_id=actor.id,
            actor_kind=actor.kind,
            target=str(user.id),
            details={"from": user.role, "to": role.value},
        )
        user.role = role.value
    if name is not None:
        user.name = name
    return await UserRepository.from_session(session).save(user)


async def disable_user(*, session: AsyncSession, actor: Principal, user_id: uuid.UUID) -> User:
    """Disabled at once: every session of the user ends now."""
    user = await get_user_of_tenant(session=session, tenant_id=actor.tenant_id, user_id=user_id)
    check_may_manage(actor, user)
    await check_not_last_owner(session=session, target=user)
    if user.disabled_at is None:
        user.disabled_at = datetime.now(UTC)
        await end_user_sessions(session=session, user_id=user.id, reason="user_disabled")
        await record(
            session=session,
            action="user.disabled",
            tenant_id=actor.tenant_id,
            actor_id=actor.id,
            actor_kind=actor.kind,
            target=str(user.id),
        )
    return user


async def enable_user(*, session: AsyncSession, actor: Principal, user_id: uuid.UUID) -> User:
    user = await get_user_of_tenant(session=session, tenant_id=actor.tenant_id, user_id=user_id)
    check_may_manage(actor, user)
    if user.disabled_at is not None:
        user.disabled_at = None
        await record(
            session=session,
            action="user.enabled",
            tenant_id=actor.tenant_id,
            actor_id=actor.id,
            actor_kind=actor.kind,
            target=str(user.id),
        )
    return user
