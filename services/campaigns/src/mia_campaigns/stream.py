"""The Kafka side of campaigns: one consumer group per topic, so a slow one stalls no other.

- ``messages.outcome.v1`` (``<group>.outcomes``), in batches: the sender's outcomes of the
  campaign origin's send requests (others skipped undecoded by their origin header). A
  batch moves the ledger in one transaction, then wakes the fan-out to refill the room.
- ``messages.status.v1`` (``<group>.statuses``), in batches: delivered, read, failed.
- ``messages.inbound.v1`` (``<group>.inbound``), in batches: replies from recipients.
- ``contacts.events.v1`` (``<group>.contacts``): opt-outs, deletions and erasures stop
  what is still queued for the person.

Every handler is idempotent by construction (a row only moves forward), so none needs a
claim table. campaigns publishes only through its outbox (``context.produced_topics``).
"""

from __future__ import annotations

from typing import Any

from faststream.kafka import KafkaRouter

from mia_campaigns.audiences.contact_changes import apply_contact_change
from mia_campaigns.context import CampaignsContext
from mia_campaigns.sending.outcomes import record_outcomes
from mia_campaigns.sending.statuses import record_replies, record_statuses
from mia_common.contracts import Envelope, InboundMessage, MessageStatus, SendOrigin, SendOutcome
from mia_common.contracts.contacts import ContactEvent
from mia_common.contracts.messages import ORIGIN_HEADER
from mia_common.db import unit_of_work
from mia_common.messaging import subscriber_options
from mia_common.messaging.batch import BatchConsumer, Record

__all__ = ["create_batch_consumers", "create_router"]

_CAMPAIGN = SendOrigin.CAMPAIGN.value.encode()


def _not_ours(record: Record) -> bool:
    for key, value in record.headers or ():
        if key == ORIGIN_HEADER:
            return bool(value != _CAMPAIGN)
    return False  # no header (an older sender): decoded and filtered by origin


def create_batch_consumers(context: CampaignsContext) -> list[BatchConsumer[Any]]:
    """The busy topics' consumers; start them after the broker, stop them before it."""
    settings = context.settings
    group = settings.consumer_group

    async def on_outcomes(events: list[Envelope[SendOutcome]]) -> None:
        async with unit_of_work(context.infra.sessions) as session:
            moved = await record_outcomes(session, events, events=context.events)
        if moved:
            context.fan_out.wake()

    async def on_statuses(events: list[Envelope[MessageStatus]]) -> None:
        async with unit_of_work(context.infra.sessions) as session:
            await record_statuses(session, events)

    async def on_inbound(events: list[Envelope[InboundMessage]]) -> None:
        async with unit_of_work(context.infra.sessions) as session:
            await record_replies(session, events)

    common: dict[str, Any] = {
        "settings": settings,
        "broker": context.infra.broker,
        "client_id": "campaigns",
    }
    return [
        BatchConsumer(
            topic=settings.outcome_topic,
            group_id=f"{group}.outcomes",
            model=Envelope[SendOutcome],
            handle=on_outcomes,
            skip=_not_ours,
            **common,
        ),
        BatchConsumer(
            topic=settings.status_topic,
            group_id=f"{group}.statuses",
            model=Envelope[MessageStatus],
            handle=on_statuses,
            **common,
        ),
        BatchConsumer(
            topic=settings.inbound_topic,
            group_id=f"{group}.inbound",
            model=Envelope[InboundMessage],
            handle=on_inbound,
            **common,
        ),
    ]


def create_router(context: CampaignsContext) -> KafkaRouter:
    router = KafkaRouter()

    # The options come as **kwargs, which FastStream's overloads cannot type.
    @router.subscriber(  # type: ignore[untyped-decorator]
        context.settings.contacts_topic,
        **subscriber_options(f"{context.settings.consumer_group}.contacts"),
    )
    async def on_contact_event(event: Envelope[ContactEvent]) -> None:
        async with unit_of_work(context.infra.sessions) as session:
            await apply_contact_change(session, event)

    return router
