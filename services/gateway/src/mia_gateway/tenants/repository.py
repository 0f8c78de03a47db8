"""The SQL of tenants: look-ups, the slugs in use, the platform admin's list, first-run lock."""

from __future__ import annotations

import uuid
from typing import Final

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.pagination import PageParams, fetch_page
from mia_gateway.models import Tenant

__all__ = ["TenantRepository"]

# pg_advisory_xact_lock key of the first run ("mia_fi"): replicas starting together take
# turns, so only one creates the demo tenant.
FIRST_RUN_LOCK: Final = 0x6D69615F6669


class TenantRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> TenantRepository:
        return cls(session)

    async def add(self, tenant: Tenant) -> Tenant:
        self.session.add(tenant)
        await self.session.flush()
        return tenant

    async def get(self, tenant_id: uuid.UUID) -> Tenant | None:
        return await self.session.get(Tenant, tenant_id)

    async def save(self, tenant: Tenant) -> Tenant:
        """Write the tenant's changes now and read it back as stored."""
        await self.session.flush()
        await self.session.refresh(tenant)
        return tenant

    async def slugs_starting_with(self, prefix: str) -> set[str]:
        rows = await self.session.scalars(select(Tenant.slug).where(Tenant.slug.like(f"{prefix}%")))
        return set(rows.all())

    async def page(
        self, *, page: PageParams, search: str | None = None
    ) -> tuple[list[Tenant], str | None]:
        query = select(Tenant)
        if search:
            query = query.where(
                or_(Tenant.name.ilike(f"%{search}%"), Tenant.slug.ilike(f"%{search}%"))
            )
        return await fetch_page(self.session, query, page, keys=[Tenant.id])

    async def lock_first_run(self) -> None:
        """Until this transaction ends, no other first run proceeds."""
        await self.session.execute(select(func.pg_advisory_xact_lock(FIRST_RUN_LOCK)))
