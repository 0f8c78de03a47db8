"""The idempotent-consumer check: apply an event id once per consumer.

The claim is a row in the handler's own transaction, so it commits with the change it
guards and rolls back with it: a crash after the commit redelivers an event that is then
skipped; a crash before it leaves nothing behind.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.outbox.models import ProcessedEvent

__all__ = ["claim_event", "claim_events"]


async def claim_event(session: AsyncSession, *, consumer: str, event_id: uuid.UUID) -> bool:
    """True when this consumer has not processed ``event_id`` yet (and now owns it)."""
    statement = (
        insert(ProcessedEvent)
        .values(consumer=consumer, event_id=event_id)
        .on_conflict_do_nothing()
        .returning(ProcessedEvent.event_id)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None


async def claim_events(
    session: AsyncSession, *, consumer: str, event_ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    """The ids of ``event_ids`` this consumer had not processed yet (and now owns), in one
    statement: a batch handler claims its whole batch in one round trip."""
    unique = list(dict.fromkeys(event_ids))
    if not unique:
        return set()
    statement = (
        insert(ProcessedEvent)
        .values([{"consumer": consumer, "event_id": event_id} for event_id in unique])
        .on_conflict_do_nothing()
        .returning(ProcessedEvent.event_id)
    )
    return set((await session.scalars(statement)).all())
