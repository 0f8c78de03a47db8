"""SQL about pipelines and their stages; every query is scoped to one tenant."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from enum import Enum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.pagination import keyset
from mia_crm.batch_sql import one_of
from mia_crm.models.pipeline import Pipeline, PipelineStage

__all__ = ["Lock", "PipelineRepository"]


class Lock(Enum):
    """How a row is held: ``NO KEY UPDATE`` serializes the writers of a
    column (moves, new leads, a rebalance) without blocking the foreign key checks of the
    leads that point at it; ``UPDATE`` also keeps new leads out (a stage being deleted)."""

    NONE = None
    NO_KEY_UPDATE = "no key update"
    UPDATE = "update"


def _tenant_lock_key(tenant_id: uuid.UUID) -> int:
    # A signed 64-bit key for pg_advisory_xact_lock, from the tenant id's bits.
    value = tenant_id.int & ((1 << 64) - 1)
    return value - (1 << 64) if value >= 1 << 63 else value


class PipelineRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> PipelineRepository:
        return cls(session)

    async def hold_tenant(self, tenant_id: uuid.UUID) -> None:
        """Serialize the tenant's pipeline creations and deletions until the transaction
        ends (the default one is made once, names stay unique, one always remains)."""
        await self.session.execute(select(func.pg_advisory_xact_lock(_tenant_lock_key(tenant_id))))

    async def page(self, *, tenant_id: uuid.UUID, cursor: str | None, limit: int) -> list[Pipeline]:
        query = keyset(
            select(Pipeline).where(Pipeline.tenant_id == tenant_id),
            keys=[Pipeline.created_at, Pipeline.id],
            cursor=cursor,
            limit=limit,
            newest_first=False,
        )
        return list((await self.session.scalars(query)).all())

    async def count(self, tenant_id: uuid.UUID) -> int:
        found = await self.session.scalar(
            select(func.count()).select_from(Pipeline).where(Pipeline.tenant_id == tenant_id)
        )
        return int(found or 0)

    async def first(self, tenant_id: uuid.UUID) -> Pipeline | None:
        query = (
            select(Pipeline)
            .where(Pipeline.tenant_id == tenant_id)
            .order_by(Pipeline.created_at, Pipeline.id)
            .limit(1)
        )
        return (await self.session.scalars(query)).one_or_none()

    async def get(
        self, *, tenant_id: uuid.UUID, pipeline_id: uuid.UUID, lock: Lock = Lock.NONE
    ) -> Pipeline | None:
        query = select(Pipeline).where(Pipeline.tenant_id == tenant_id, Pipeline.id == pipeline_id)
        if lock is Lock.NO_KEY_UPDATE:
            query = query.with_for_update(key_share=True)
        elif lock is Lock.UPDATE:
            query = query.with_for_update()
        if lock is not Lock.NONE:
            query = query.execution_options(populate_existing=True)
        return (await self.session.scalars(query)).one_or_none()

    async def named(self, *, tenant_id: uuid.UUID, name: str) -> Pipeline | None:
        query = select(Pipeline).where(
            Pipeline.tenant_id == tenant_id, func.lower(Pipeline.name) == name.lower()
        )
        return (await self.session.scalars(query.limit(1))).one_or_none()

    async def stages_of(
        self, *, tenant_id: uuid.UUID, pipeline_ids: Collection[uuid.UUID], lock: Lock = Lock.NONE
    ) -> dict[uuid.UUID, list[PipelineStage]]:
        """Each pipeline's stages in board order."""
        query = (
            select(PipelineStage)
            .where(
                PipelineStage.tenant_id == tenant_id,
                one_of(PipelineStage.pipeline_id, pipeline_ids),
            )
            .order_by(PipelineStage.pipeline_id, PipelineStage.position, PipelineStage.id)
        )
        if lock is Lock.NO_KEY_UPDATE:
            query = query.with_for_update(key_share=True)
        elif lock is Lock.UPDATE:
            query = query.with_for_update()
        if lock is not Lock.NONE:
            query = query.execution_options(populate_existing=True)
        stages: dict[uuid.UUID, list[PipelineStage]] = {pid: [] for pid in pipeline_ids}
        for stage in (await self.session.scalars(query)).all():
            stages[stage.pipeline_id].append(stage)
        return stages

    async def stage(
        self, *, tenant_id: uuid.UUID, stage_id: uuid.UUID, lock: Lock = Lock.NONE
    ) -> PipelineStage | None:
        query = select(PipelineStage).where(
            PipelineStage.tenant_id == tenant_id, PipelineStage.id == stage_id
        )
        if lock is Lock.NO_KEY_UPDATE:
            query = query.with_for_update(key_share=True)
        elif lock is Lock.UPDATE:
            query = query.with_for_update()
        if lock is not Lock.NONE:
            query = query.execution_options(populate_existing=True)
        return (await self.session.scalars(query)).one_or_none()

    async def add(self, row: Pipeline | PipelineStage) -> None:
        self.session.add(row)
        await self.session.flush()

    async def add_all(self, rows: list[PipelineStage]) -> None:
        self.session.add_all(rows)
        await self.session.flush()

    async def delete(self, row: Pipeline | PipelineStage) -> None:
        await self.session.delete(row)
        await self.session.flush()
