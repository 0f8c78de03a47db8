"""``messages.outcome.v1``: the sender says whether the channel took one of our replies."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_common.contracts import Envelope, SendOutcome
from mia_common.db import unit_of_work
from mia_common.outbox import claim_event
from mia_crm.statuses.service import apply_outcome

__all__ = ["CONSUMER", "handle_outcome"]

CONSUMER = "crm.outcomes"


async def handle_outcome(
    sessions: async_sessionmaker[AsyncSession], event: Envelope[SendOutcome], *, inbox_topic: str
) -> None:
    async with unit_of_work(sessions) as session:
        if not await claim_event(session, consumer=CONSUMER, event_id=event.id):
            return
        await apply_outcome(
            session,
            tenant_id=event.tenantid,
            outcome=event.data,
            reported_at=event.time,
            inbox_topic=inbox_topic,
            now=datetime.now(UTC),
        )
