"""All SQL of the model settings."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_ai_agent.models.provider import ModelSettings

__all__ = ["ModelSettingsRepository"]


class ModelSettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> ModelSettingsRepository:
        return cls(session)

    async def get(self, tenant_id: uuid.UUID, *, for_update: bool = False) -> ModelSettings | None:
        query = select(ModelSettings).where(ModelSettings.tenant_id == tenant_id)
        if for_update:
            query = query.with_for_update()
        row: ModelSettings | None = (await self.session.execute(query)).scalar_one_or_none()
        return row

    def add(self, row: ModelSettings) -> None:
        self.session.add(row)

    async def flush(self) -> None:
        await self.session.flush()

    async def delete(self, tenant_id: uuid.UUID) -> bool:
        result = await self.session.execute(
            delete(ModelSettings).where(ModelSettings.tenant_id == tenant_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
