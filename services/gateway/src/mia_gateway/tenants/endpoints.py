"""The caller's own tenant (read, settings) and the platform admin's tenant list."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from mia_common.db.requests import SessionDep
from mia_common.pagination import Page, PageQuery
from mia_gateway.auth.dependencies import AdminPrincipal, CurrentPrincipal, PlatformAdmin
from mia_gateway.tenants import service
from mia_gateway.tenants.schemas import TenantCreate, TenantUpdate, TenantView

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["tenants"])


@router.get("/tenant", response_model=TenantView, summary="The caller's company")
async def read_own_tenant(principal: CurrentPrincipal, session: SessionDep) -> TenantView:
    return TenantView.of(await service.get_tenant(session=session, tenant_id=principal.tenant_id))


@router.patch("/tenant", response_model=TenantView, summary="Change the company's settings")
async def update_own_tenant(
    body: TenantUpdate, principal: AdminPrincipal, session: SessionDep
) -> TenantView:
    tenant = await service.update_tenant(
        session=session,
        tenant_id=principal.tenant_id,
        actor_id=principal.id,
        changes=body.model_dump(exclude_unset=True, mode="json"),
    )
    return TenantView.of(tenant)


@router.get(
    "/admin/tenants", response_model=Page[TenantView], summary="All tenants (platform admin)"
)
async def list_tenants(
    admin: PlatformAdmin, session: SessionDep, page: PageQuery, q: str | None = None
) -> Page[TenantView]:
    rows, cursor = await service.list_tenants(session=session, page=page, search=q)
    return Page(items=[TenantView.of(t) for t in rows], next_cursor=cursor)


@router.post(
    "/admin/tenants",
    response_model=TenantView,
    status_code=201,
    summary="Create a tenant and invite-less owner (platform admin)",
)
async def create_tenant(
    body: TenantCreate, admin: PlatformAdmin, session: SessionDep
) -> TenantView:
    tenant = await service.create_tenant(
        session=session,
        admin_id=admin.id,
        name=body.name,
        owner_email=str(body.owner_email),
        owner_name=body.owner_name,
        timezone=body.timezone,
    )
    return TenantView.of(tenant)


@router.post("/admin/tenants/{tenant_id}/suspend", response_model=TenantView)
async def suspend(tenant_id: uuid.UUID, admin: PlatformAdmin, session: SessionDep) -> TenantView:
    return TenantView.of(
        await service.suspend_tenant(session=session, tenant_id=tenant_id, admin_id=admin.id)
    )


@router.post("/admin/tenants/{tenant_id}/reactivate", response_model=TenantView)
async def reactivate(tenant_id: uuid.UUID, admin: PlatformAdmin, session: SessionDep) -> TenantView:
    return TenantView.of(
        await service.reactivate_tenant(session=session, tenant_id=tenant_id, admin_id=admin.id)
    )
