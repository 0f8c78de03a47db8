"""The caller's own tenant (read, settings) and the platform admin's tenants."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from mia_common.db.requests import SessionDep
from mia_common.pagination import Page, PageQuery
from mia_common.text import ApiStr
from mia_gateway.auth.dependencies import AdminPrincipal, CurrentPrincipal, PlatformAdmin
from mia_gateway.context import SettingsDep
from mia_gateway.invitations.schemas import InvitationCreated
from mia_gateway.tenants import service
from mia_gateway.tenants.schemas import TenantCreate, TenantCreated, TenantUpdate, TenantView

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["tenants"])


@router.get("/tenant", response_model=TenantView, summary="The caller's company")
async def read_own_tenant(principal: CurrentPrincipal, session: SessionDep) -> TenantView:
    return TenantView.of(await service.get_tenant(session=session, tenant_id=principal.tenant_id))


@router.patch(
    "/tenant",
    response_model=TenantView,
    summary="Change the company's settings",
    description="Only the fields sent change. `name` and `timezone` cannot be cleared: null"
    " is refused with a 422 naming the field. A null `business_hours` or `settings` clears"
    " it. Business hours whose interval does not close after it opens, or that overlap,"
    " are refused with a 422 `business_hours_invalid` naming the day.",
)
async def update_own_tenant(
    body: TenantUpdate, principal: AdminPrincipal, session: SessionDep
) -> TenantView:
    tenant = await service.update_tenant(
        session=session,
        actor=principal,
        changes=body.model_dump(exclude_unset=True, mode="json"),
    )
    return TenantView.of(tenant)


@router.get(
    "/admin/tenants", response_model=Page[TenantView], summary="All tenants (platform admin)"
)
async def list_tenants(
    admin: PlatformAdmin,
    session: SessionDep,
    page: PageQuery,
    q: Annotated[
        ApiStr | None, Query(max_length=200, description="part of the name or the slug")
    ] = None,
) -> Page[TenantView]:
    rows, cursor = await service.list_tenants(session=session, page=page, search=q)
    return Page(items=[TenantView.of(t) for t in rows], next_cursor=cursor)


@router.post(
    "/admin/tenants",
    response_model=TenantCreated,
    status_code=201,
    summary="Create a tenant and its owner's one-time link (platform admin)",
    description="The owner's account has no password: `owner_invitation.accept_url` lets"
    " them set one and logs them in, once, before it expires. Hand it over.",
)
async def create_tenant(
    body: TenantCreate, admin: PlatformAdmin, session: SessionDep, settings: SettingsDep
) -> TenantCreated:
    tenant, invitation, token = await service.create_tenant(
        session=session,
        admin_id=admin.id,
        name=body.name,
        owner_email=body.owner_email,
        owner_name=body.owner_name,
        timezone=body.timezone,
        settings=settings,
    )
    return TenantCreated(
        **TenantView.of(tenant).model_dump(),
        owner_invitation=InvitationCreated.issued(
            invitation, token=token, public_url=settings.public_url
        ),
    )


@router.post(
    "/admin/tenants/{tenant_id}/owner-invitation",
    response_model=InvitationCreated,
    status_code=201,
    summary="A new one-time link for an owner who never got in (platform admin)",
    description="For a tenant whose owner has neither set a password nor logged in (the"
    " first link expired or was lost): the earlier link stops working. 409 `owner_active`"
    " once the owner has logged in.",
)
async def reinvite_owner(
    tenant_id: uuid.UUID, admin: PlatformAdmin, session: SessionDep, settings: SettingsDep
) -> InvitationCreated:
    invitation, token = await service.reinvite_owner(
        session=session, tenant_id=tenant_id, admin_id=admin.id, settings=settings
    )
    return InvitationCreated.issued(invitation, token=token, public_url=settings.public_url)


@router.post(
    "/admin/tenants/{tenant_id}/suspend",
    response_model=TenantView,
    summary="Suspend a tenant: its sessions end, its keys stop (platform admin)",
)
async def suspend(tenant_id: uuid.UUID, admin: PlatformAdmin, session: SessionDep) -> TenantView:
    return TenantView.of(
        await service.suspend_tenant(session=session, tenant_id=tenant_id, admin_id=admin.id)
    )


@router.post(
    "/admin/tenants/{tenant_id}/reactivate",
    response_model=TenantView,
    summary="Reactivate a suspended tenant (platform admin)",
)
async def reactivate(tenant_id: uuid.UUID, admin: PlatformAdmin, session: SessionDep) -> TenantView:
    return TenantView.of(
        await service.reactivate_tenant(session=session, tenant_id=tenant_id, admin_id=admin.id)
    )
