"""``messages.inbound.v1``: customers' messages become contacts, conversations, messages.

The batch is the transaction: a poll's events are claimed by their ids (one claim each)
and stored in one unit of work, so a redelivered event changes nothing and a failed batch
leaves nothing behind. The batch consumer then handles a failed batch's events one at a
time, so a poison message is retried and dead-lettered alone.
"""

from __future__ import annotations

from datetime import UTC, datetime

from mia_common.contracts import Envelope, InboundMessage
from mia_common.db import unit_of_work
from mia_crm.consent.keywords import apply_consent_keywords
from mia_crm.context import CrmContext
from mia_crm.messages.inbound import store_inbound
from mia_crm.messages.repository import ProcessedEventRepository

__all__ = ["CONSUMER", "handle_inbound"]

CONSUMER = "crm.inbound"


async def handle_inbound(context: CrmContext, events: list[Envelope[InboundMessage]]) -> None:
    async with unit_of_work(context.infra.sessions) as session:
        claimed = await ProcessedEventRepository.from_session(session).claim(
            consumer=CONSUMER, event_ids=[event.id for event in events]
        )
        fresh = []
        for event in events:
            if event.id in claimed:
                claimed.discard(event.id)  # the same event twice in a batch: once
                fresh.append(event)
        now = datetime.now(UTC)
        stored = await store_inbound(
            session,
            events=fresh,
            inbox_topic=context.settings.inbox_topic,
            now=now,
            contacts_topic=context.settings.contacts_topic,
        )
        # "PARAR", "STOP": the whole message is an opt-out (or opt-in) keyword.
        await apply_consent_keywords(
            session,
            messages=stored,
            cache=context.consent_keywords,
            contacts_topic=context.settings.contacts_topic,
            send_topic=context.settings.send_topic,
            inbox_topic=context.settings.inbox_topic,
            now=now,
        )
