"""SQL about tenants' crm settings: one row per tenant, or none (the defaults)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_crm.batch_sql import one_of
from mia_crm.models import CrmTenantSettings

__all__ = ["TenantSettingsRepository"]


class TenantSettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> TenantSettingsRepository:
        return cls(session)

    async def get(self, tenant_id: uuid.UUID) -> CrmTenantSettings | None:
        return await self.session.get(CrmTenantSettings, tenant_id)

    async def of_tenants(self, tenant_ids: Collection[uuid.UUID]) -> list[CrmTenantSettings]:
        if not tenant_ids:
            return []
        query = select(CrmTenantSettings).where(one_of(CrmTenantSettings.tenant_id, tenant_ids))
        return list((await self.session.scalars(query)).all())

    async def save(self, *, tenant_id: uuid.UUID, values: dict[str, Any]) -> CrmTenantSettings:
        """Insert or replace the tenant's row with ``values`` (every column but the keys)."""
        inserting = insert(CrmTenantSettings).values(tenant_id=tenant_id, **values)
        statement = inserting.on_conflict_do_update(
            index_elements=[CrmTenantSettings.tenant_id],
            set_={**{name: inserting.excluded[name] for name in values}, "updated_at": func.now()},
        ).returning(CrmTenantSettings)
        options = {"populate_existing": True}
        saved: CrmTenantSettings = (
            await self.session.scalars(statement, execution_options=options)
        ).one()
        return saved
