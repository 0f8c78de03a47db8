"""The caller's own tenant (read, settings) and the platform admin's tenant list."""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter
from pydantic import BaseModel, EmailStr, Field, field_validator, model_validator
from sqlalchemy import or_, select

from mia_common.db.requests import SessionDep
from mia_common.pagination import Page, PageQuery, fetch_page
from mia_gateway.audit.service import record
from mia_gateway.auth.principal import AdminPrincipal, CurrentPrincipal, PlatformAdmin
from mia_gateway.models import Tenant, TenantStatus
from mia_gateway.tenants.service import create_tenant_with_owner, get_tenant, suspend_tenant

router = APIRouter(prefix="/api/v1", tags=["tenants"])


def _valid_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r} (use an IANA name like America/Sao_Paulo)"
        ) from None
    return value


class TenantView(BaseModel):
    id: uuid.UUID
    name: str
    slug: str
    timezone: str
    business_hours: dict[str, Any]
    settings: dict[str, Any]
    status: str
    created_at: datetime

    @classmethod
    def of(cls, tenant: Tenant) -> TenantView:
        return cls.model_validate(tenant, from_attributes=True)


class DayHours(BaseModel):
    open: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["09:00"])
    close: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["18:00"])

    @model_validator(mode="after")
    def _closes_after_opening(self) -> DayHours:
        # "HH:MM" strings compare in time order. An interval cannot cross midnight: a night
        # shift is two intervals, one on each day.
        if self.close <= self.open:
            raise ValueError(f"closes at {self.close}, not after it opens at {self.open}")
        return self


class TenantUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    timezone: str | None = None
    business_hours: dict[str, list[DayHours]] | None = Field(
        default=None, description="weekday (mon..sun) -> opening intervals"
    )
    settings: dict[str, Any] | None = None

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str | None) -> str | None:
        return _valid_timezone(value) if value is not None else None

    @field_validator("business_hours")
    @classmethod
    def _days(cls, value: dict[str, list[DayHours]] | None) -> dict[str, list[DayHours]] | None:
        if value is not None:
            unknown = set(value) - {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
            if unknown:
                raise ValueError(f"unknown weekdays: {sorted(unknown)}")
            for day, intervals in value.items():
                ordered = sorted(intervals, key=lambda interval: interval.open)
                for earlier, later in itertools.pairwise(ordered):
                    if later.open < earlier.close:
                        raise ValueError(
                            f"{day}: {earlier.open}-{earlier.close} overlaps "
                            f"{later.open}-{later.close}"
                        )
        return value


@router.get("/tenant", response_model=TenantView, summary="The caller's company")
async def read_own_tenant(principal: CurrentPrincipal, session: SessionDep) -> TenantView:
    return TenantView.of(await get_tenant(session, principal.tenant_id))


@router.patch("/tenant", response_model=TenantView, summary="Change the company's settings")
async def update_own_tenant(
    body: TenantUpdate, principal: AdminPrincipal, session: SessionDep
) -> TenantView:
    tenant = await get_tenant(session, principal.tenant_id)
    changes = body.model_dump(exclude_unset=True, mode="json")
    for field, value in changes.items():
        setattr(tenant, field, value)
    await record(
        session,
        action="tenant.updated",
        tenant_id=tenant.id,
        actor_id=principal.id,
        details={"fields": sorted(changes)},
    )
    await session.flush()
    await session.refresh(tenant)
    return TenantView.of(tenant)


class TenantCreate(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    owner_email: EmailStr
    owner_name: str = Field(default="", max_length=200)
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        return _valid_timezone(value)


@router.get(
    "/admin/tenants", response_model=Page[TenantView], summary="All tenants (platform admin)"
)
async def list_tenants(
    admin: PlatformAdmin, session: SessionDep, page: PageQuery, q: str | None = None
) -> Page[TenantView]:
    query = select(Tenant)
    if q:
        query = query.where(or_(Tenant.name.ilike(f"%{q}%"), Tenant.slug.ilike(f"%{q}%")))
    rows, cursor = await fetch_page(session, query, page, key=Tenant.id)
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
    # The owner has no password: they set one through the invitation the admin sends,
    # or log in with Google/Facebook on the same verified address.
    tenant, owner = await create_tenant_with_owner(
        session,
        name=body.name,
        owner_email=str(body.owner_email),
        owner_password=None,
        owner_name=body.owner_name,
        timezone=body.timezone,
    )
    await record(
        session,
        action="tenant.created",
        tenant_id=tenant.id,
        actor_id=admin.id,
        target=str(tenant.id),
        details={"owner": owner.email},
    )
    return TenantView.of(tenant)


@router.post("/admin/tenants/{tenant_id}/suspend", response_model=TenantView)
async def suspend(tenant_id: uuid.UUID, admin: PlatformAdmin, session: SessionDep) -> TenantView:
    tenant = await get_tenant(session, tenant_id)
    await suspend_tenant(session, tenant)
    await record(
        session,
        action="tenant.suspended",
        tenant_id=tenant.id,
        actor_id=admin.id,
        target=str(tenant.id),
    )
    return TenantView.of(tenant)


@router.post("/admin/tenants/{tenant_id}/reactivate", response_model=TenantView)
async def reactivate(tenant_id: uuid.UUID, admin: PlatformAdmin, session: SessionDep) -> TenantView:
    tenant = await get_tenant(session, tenant_id)
    tenant.status = TenantStatus.ACTIVE
    await record(
        session,
        action="tenant.reactivated",
        tenant_id=tenant.id,
        actor_id=admin.id,
        target=str(tenant.id),
    )
    return TenantView.of(tenant)
