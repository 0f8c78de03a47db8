"""SQL of the erasure: the erased media's keys, and whether an erasure record was applied."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.outbox import ProcessedEvent
from mia_meta_ingest.models import ErasedMediaKey

__all__ = ["applied", "is_erased", "record_erased"]


async def record_erased(
    session: AsyncSession, *, tenant_id: uuid.UUID, keys: Collection[str]
) -> None:
    """List ``keys`` as erased (already listed: no change)."""
    if not keys:
        return
    await session.execute(
        insert(ErasedMediaKey)
        .values([{"storage_key": key, "tenant_id": tenant_id} for key in keys])
        .on_conflict_do_nothing()
    )


async def is_erased(session: AsyncSession, key: str) -> bool:
    query = select(ErasedMediaKey.storage_key).where(ErasedMediaKey.storage_key == key)
    return await session.scalar(query) is not None


async def applied(session: AsyncSession, *, consumer: str, event_id: uuid.UUID) -> bool:
    """Whether ``consumer`` claimed ``event_id`` already (``claim_event``), without claiming."""
    query = select(ProcessedEvent.event_id).where(
        ProcessedEvent.consumer == consumer, ProcessedEvent.event_id == event_id
    )
    return await session.scalar(query) is not None
