"""``messages.inbound.v1``: a customer's message becomes a contact, conversation, message."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_common.contracts import Envelope, InboundMessage
from mia_common.db import unit_of_work
from mia_common.outbox import claim_event
from mia_crm.messages.inbound import store_inbound

__all__ = ["CONSUMER", "handle_inbound"]

CONSUMER = "crm.inbound"


async def handle_inbound(
    sessions: async_sessionmaker[AsyncSession], event: Envelope[InboundMessage], *, inbox_topic: str
) -> None:
    async with unit_of_work(sessions) as session:
        if not await claim_event(session, consumer=CONSUMER, event_id=event.id):
            return
        await store_inbound(
            session,
            tenant_id=event.tenantid,
            inbound=event.data,
            inbox_topic=inbox_topic,
            now=datetime.now(UTC),
        )
