"""The idempotent-consumer check: apply an event id once per consumer.

The claim is a row in the handler's own transaction, so it commits with the change it
guards and rolls back with it: a crash after the commit redelivers an event that is then
skipped; a crash before it leaves nothing behind.
"""

from __future__ import annotations

import uuid

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.outbox.models import ProcessedEvent

__all__ = ["claim_event"]


async def claim_event(session: AsyncSession, *, consumer: str, event_id: uuid.UUID) -> bool:
    """True when this consumer has not processed ``event_id`` yet (and now owns it)."""
    statement = (
        insert(ProcessedEvent)
        .values(consumer=consumer, event_id=event_id)
        .on_conflict_do_nothing()
        .returning(ProcessedEvent.event_id)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None
