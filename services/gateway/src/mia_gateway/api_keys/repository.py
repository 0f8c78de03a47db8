"""The SQL of API keys: create, list and revoke a tenant's keys, find one by its prefix."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.pagination import PageParams, fetch_page
from mia_gateway.models import ApiKey, Tenant

__all__ = ["ApiKeyRepository"]


class ApiKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> ApiKeyRepository:
        return cls(session)

    async def add(self, key: ApiKey) -> ApiKey:
        """Stored and read back, with the timestamps the database set."""
        self.session.add(key)
        await self.session.flush()
        await self.session.refresh(key)
        return key

    async def page_of_tenant(
        self, *, tenant_id: uuid.UUID, page: PageParams
    ) -> tuple[list[ApiKey], str | None]:
        query = select(ApiKey).where(ApiKey.tenant_id == tenant_id)
        return await fetch_page(self.session, query, page, keys=[ApiKey.id])

    async def get_of_tenant(self, *, tenant_id: uuid.UUID, key_id: uuid.UUID) -> ApiKey | None:
        return await self.session.scalar(
            select(ApiKey).where(ApiKey.id == key_id, ApiKey.tenant_id == tenant_id)
        )

    async def with_tenant_by_prefix(self, prefix: str) -> tuple[ApiKey, Tenant] | None:
        row = (
            await self.session.execute(
                select(ApiKey, Tenant)
                .join(Tenant, Tenant.id == ApiKey.tenant_id)
                .where(ApiKey.prefix == prefix)
            )
        ).first()
        return (row[0], row[1]) if row is not None else None

    async def mark_used(self, *, key_id: uuid.UUID, at: datetime) -> None:
        await self.session.execute(
            update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=at)
        )
