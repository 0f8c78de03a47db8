"""``messages.inbound.v1``: a customer's message becomes a contact, conversation, message.

The message is the transaction: the event is claimed by its id and stored in one unit of
work, so a redelivered event changes nothing and a failed one leaves nothing behind.
"""

from __future__ import annotations

from datetime import UTC, datetime

from mia_common.contracts import Envelope, InboundMessage
from mia_common.db import unit_of_work
from mia_common.outbox import claim_event
from mia_crm.context import CrmContext
from mia_crm.messages.inbound import store_inbound

__all__ = ["CONSUMER", "handle_inbound"]

CONSUMER = "crm.inbound"


async def handle_inbound(context: CrmContext, event: Envelope[InboundMessage]) -> None:
    async with unit_of_work(context.infra.sessions) as session:
        if not await claim_event(session, consumer=CONSUMER, event_id=event.id):
            return
        await store_inbound(
            session,
            tenant_id=event.tenantid,
            inbound=event.data,
            inbox_topic=context.settings.inbox_topic,
            now=datetime.now(UTC),
        )
