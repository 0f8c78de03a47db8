"""``messages.status.v1``: the channel's receipts (sent, delivered, read, failed)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_common.contracts import Envelope, MessageStatus
from mia_common.db import unit_of_work
from mia_common.outbox import claim_event
from mia_crm.statuses.service import apply_receipt

__all__ = ["CONSUMER", "handle_status"]

CONSUMER = "crm.statuses"


async def handle_status(
    sessions: async_sessionmaker[AsyncSession], event: Envelope[MessageStatus], *, inbox_topic: str
) -> None:
    async with unit_of_work(sessions) as session:
        if not await claim_event(session, consumer=CONSUMER, event_id=event.id):
            return
        await apply_receipt(
            session,
            tenant_id=event.tenantid,
            receipt=event.data,
            inbox_topic=inbox_topic,
            now=datetime.now(UTC),
        )
