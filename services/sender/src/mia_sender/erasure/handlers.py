"""``contact.erased`` on the contacts topic: the send log forgets the person, once."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_common.contracts import Envelope
from mia_common.contracts.contacts import ContactErased
from mia_common.db import unit_of_work
from mia_common.messaging.erasure import erased_event_of
from mia_common.outbox import claim_event
from mia_sender.erasure.repository import forget_recipient

__all__ = ["CONSUMER", "ERASURE_GROUP", "erase", "erased_event_of", "handle_contact_record"]

ERASURE_GROUP = "sender-erasure"
CONSUMER = "sender.erasure"


async def handle_contact_record(sessions: async_sessionmaker[AsyncSession], value: bytes) -> None:
    event = erased_event_of(value)
    if event is not None:
        await erase(sessions, event)


async def erase(sessions: async_sessionmaker[AsyncSession], event: Envelope[ContactErased]) -> int:
    """The number of sends emptied (0 for a redelivery, and for a further part of an
    erasure: those carry only media, the addresses come on part 1)."""
    if not (event.data.phones or event.data.channel_user_ids):
        return 0
    async with unit_of_work(sessions) as session:
        if not await claim_event(session, consumer=CONSUMER, event_id=event.id):
            return 0
        return await forget_recipient(
            session,
            tenant_id=event.tenantid,
            phones=event.data.phones,
            channel_user_ids=event.data.channel_user_ids,
        )
