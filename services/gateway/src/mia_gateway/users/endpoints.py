"""``/api/v1/users``: list and search, read, change role or name, disable, enable."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import or_, select

from mia_common.db.requests import SessionDep
from mia_common.identity import Role
from mia_common.pagination import Page, PageQuery, fetch_page
from mia_gateway.audit.service import record
from mia_gateway.auth.principal import AdminPrincipal, ManagerPrincipal
from mia_gateway.auth.sessions import end_user_sessions
from mia_gateway.models import User
from mia_gateway.users.service import (
    check_may_assign,
    check_may_manage,
    check_not_last_owner,
    get_user_of_tenant,
)

router = APIRouter(prefix="/api/v1/users", tags=["users"])


class UserOut(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    role: Role
    disabled: bool
    last_login_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            role=Role(user.role),
            disabled=user.disabled_at is not None,
            last_login_at=user.last_login_at,
            created_at=user.created_at,
        )


class UserUpdate(BaseModel):
    name: str | None = Field(default=None, max_length=200)
    role: Role | None = None


@router.get("", response_model=Page[UserOut], summary="The company's users")
async def list_users(
    principal: ManagerPrincipal,
    session: SessionDep,
    page: PageQuery,
    q: str | None = None,
    role: Role | None = None,
) -> Page[UserOut]:
    query = select(User).where(User.tenant_id == principal.tenant_id)
    if q:
        query = query.where(or_(User.email.ilike(f"%{q}%"), User.name.ilike(f"%{q}%")))
    if role:
        query = query.where(User.role == role.value)
    rows, cursor = await fetch_page(session, query, page, key=User.id)
    return Page(items=[UserOut.of(u) for u in rows], next_cursor=cursor)


@router.get("/{user_id}", response_model=UserOut)
async def read_user(
    user_id: uuid.UUID, principal: ManagerPrincipal, session: SessionDep
) -> UserOut:
    return UserOut.of(
        await get_user_of_tenant(session, tenant_id=principal.tenant_id, user_id=user_id)
    )


@router.patch("/{user_id}", response_model=UserOut, summary="Change a user's name or role")
async def update_user(
    user_id: uuid.UUID, body: UserUpdate, principal: AdminPrincipal, session: SessionDep
) -> UserOut:
    user = await get_user_of_tenant(session, tenant_id=principal.tenant_id, user_id=user_id)
    if body.role is not None and body.role.value != user.role:
        check_may_manage(principal, user)
        check_may_assign(principal, body.role)
        if body.role is not Role.owner:
            await check_not_last_owner(session, user)
        await record(
            session,
            action="user.role_changed",
            tenant_id=principal.tenant_id,
            actor_id=principal.id,
            target=str(user.id),
            details={"from": user.role, "to": body.role.value},
        )
        user.role = body.role.value
    if body.name is not None:
        user.name = body.name
    await session.flush()
    return UserOut.of(user)


@router.post("/{user_id}/disable", response_model=UserOut, summary="Disable: sessions end now")
async def disable_user(
    user_id: uuid.UUID, principal: AdminPrincipal, session: SessionDep
) -> UserOut:
    user = await get_user_of_tenant(session, tenant_id=principal.tenant_id, user_id=user_id)
    check_may_manage(principal, user)
    await check_not_last_owner(session, user)
    if user.disabled_at is None:
        user.disabled_at = datetime.now(UTC)
        await end_user_sessions(session, user_id=user.id, reason="user_disabled")
        await record(
            session,
            action="user.disabled",
            tenant_id=principal.tenant_id,
            actor_id=principal.id,
            target=str(user.id),
        )
    return UserOut.of(user)


@router.post("/{user_id}/enable", response_model=UserOut)
async def enable_user(
    user_id: uuid.UUID, principal: AdminPrincipal, session: SessionDep
) -> UserOut:
    user = await get_user_of_tenant(session, tenant_id=principal.tenant_id, user_id=user_id)
    check_may_manage(principal, user)
    if user.disabled_at is not None:
        user.disabled_at = None
        await record(
            session,
            action="user.enabled",
            tenant_id=principal.tenant_id,
            actor_id=principal.id,
            target=str(user.id),
        )
    return UserOut.of(user)
