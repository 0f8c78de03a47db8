"""SQL of the erasure's audit: whether an id is one of the tenant's API keys."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_gateway.models import ApiKey

__all__ = ["is_api_key"]


async def is_api_key(session: AsyncSession, *, tenant_id: uuid.UUID, actor_id: uuid.UUID) -> bool:
    query = select(ApiKey.id).where(ApiKey.id == actor_id, ApiKey.tenant_id == tenant_id)
    return await session.scalar(query) is not None
