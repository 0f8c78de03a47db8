"""Who may change whom: the rules of the role matrix that depend on the target."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.errors import Conflict, Forbidden, NotFound
from mia_common.identity import Role
from mia_gateway.auth.principal import Principal
from mia_gateway.models import User

__all__ = ["check_may_assign", "check_may_manage", "get_user_of_tenant"]


async def get_user_of_tenant(
    session: AsyncSession, *, tenant_id: uuid.UUID, user_id: uuid.UUID
) -> User:
    """The user, if it belongs to ``tenant_id``; another tenant's user is simply not found."""
    user = await session.scalar(select(User).where(User.id == user_id, User.tenant_id == tenant_id))
    if user is None:
        raise NotFound("no such user")
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


async def check_not_last_owner(session: AsyncSession, target: User) -> None:
    if Role(target.role) is not Role.owner:
        return
    owners = await session.scalar(
        select(func.count())
        .select_from(User)
        .where(
            User.tenant_id == target.tenant_id,
            User.role == Role.owner.value,
            User.disabled_at.is_(None),
        )
    )
    if (owners or 0) <= 1:
        raise Conflict("a company keeps at least one active owner", code="last_owner")
