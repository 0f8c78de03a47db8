"""``messages.outcome.v1`` and ``messages.status.v1``: what became of our replies.

The sender's outcome says whether the channel took a reply; the channel's receipts say
sent, delivered, read or failed. Each event is its own transaction, claimed by event id
(per topic), so a redelivery is applied once.
"""

from __future__ import annotations

from datetime import UTC, datetime

from mia_common.contracts import Envelope, MessageStatus, SendOutcome
from mia_common.db import unit_of_work
from mia_common.outbox import claim_event
from mia_crm.context import CrmContext
from mia_crm.statuses.service import apply_outcome, apply_receipt, is_ours

__all__ = ["OUTCOMES_CONSUMER", "STATUSES_CONSUMER", "handle_outcome", "handle_status"]

OUTCOMES_CONSUMER = "crm.outcomes"
STATUSES_CONSUMER = "crm.statuses"


async def handle_outcome(context: CrmContext, event: Envelope[SendOutcome]) -> None:
    if not is_ours(event.data):
        # A campaign's or a cadence's (thousands a second): no transaction, no claim row.
        return
    async with unit_of_work(context.infra.sessions) as session:
        if not await claim_event(session, consumer=OUTCOMES_CONSUMER, event_id=event.id):
            return
        await apply_outcome(
            session,
            tenant_id=event.tenantid,
            outcome=event.data,
            reported_at=event.time,
            inbox_topic=context.settings.inbox_topic,
            now=datetime.now(UTC),
        )


async def handle_status(context: CrmContext, event: Envelope[MessageStatus]) -> None:
    async with unit_of_work(context.infra.sessions) as session:
        if not await claim_event(session, consumer=STATUSES_CONSUMER, event_id=event.id):
            return
        await apply_receipt(
            session,
            tenant_id=event.tenantid,
            receipt=event.data,
            inbox_topic=context.settings.inbox_topic,
            now=datetime.now(UTC),
        )
