"""``/api/v1/users``: list and search, read, change role or name, disable, enable."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from mia_common.db.requests import SessionDep
from mia_common.identity import Role
from mia_common.pagination import Page, PageQuery
from mia_common.text import ApiStr
from mia_gateway.auth.dependencies import AdminPrincipal, ManagerPrincipal
from mia_gateway.users import service
from mia_gateway.users.schemas import UserOut, UserUpdate

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/users", tags=["users"])


@router.get("", response_model=Page[UserOut], summary="The company's users")
async def list_users(
    principal: ManagerPrincipal,
    session: SessionDep,
    page: PageQuery,
    q: Annotated[
        ApiStr | None, Query(max_length=200, description="part of the email or the name")
    ] = None,
    role: Role | None = None,
) -> Page[UserOut]:
    rows, cursor = await service.list_users(
        session=session, tenant_id=principal.tenant_id, page=page, search=q, role=role
    )
    return Page(items=[UserOut.of(u) for u in rows], next_cursor=cursor)


@router.get("/{user_id}", response_model=UserOut)
async def read_user(
    user_id: uuid.UUID, principal: ManagerPrincipal, session: SessionDep
) -> UserOut:
    return UserOut.of(
        await service.get_user_of_tenant(
            session=session, tenant_id=principal.tenant_id, user_id=user_id
        )
    )


@router.patch("/{user_id}", response_model=UserOut, summary="Change a user's name or role")
async def update_user(
    user_id: uuid.UUID, body: UserUpdate, principal: AdminPrincipal, session: SessionDep
) -> UserOut:
    user = await service.change_user(
        session=session, actor=principal, user_id=user_id, name=body.name, role=body.role
    )
    return UserOut.of(user)


@router.post("/{user_id}/disable", response_model=UserOut, summary="Disable: sessions end now")
async def disable_user(
    user_id: uuid.UUID, principal: AdminPrincipal, session: SessionDep
) -> UserOut:
    return UserOut.of(await service.disable_user(session=session, actor=principal, user_id=user_id))


@router.post("/{user_id}/enable", response_model=UserOut)
async def enable_user(
    user_id: uuid.UUID, principal: AdminPrincipal, session: SessionDep
) -> UserOut:
    return UserOut.of(await service.enable_user(session=session, actor=principal, user_id=user_id))
