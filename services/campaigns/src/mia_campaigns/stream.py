"""The Kafka side of campaigns: one consumer group per topic, so a slow one stalls no other.

- ``messages.outcome.v1`` (``<group>.outcomes``), in batches: the sender's outcomes of the
  campaign origin's send requests (others skipped undecoded by their origin header). A
  batch moves the ledger in one transaction, then wakes the fan-out to refill the room.
- ``messages.status.v1`` (``<group>.statuses``), in batches: delivered, read, failed.
- ``messages.inbound.v1`` (``<group>.inbound``), in batches: replies from recipients.
- ``contacts.events.v1`` (``<group>.contacts``): opt-outs, deletions and erasures stop
  what is still queued for the person; contacts created or tagged enroll in cadences.
- ``leads.events.v1`` (``<group>.leads``): a lead entering a stage enrolls in or stops
  cadences (``cadences.handlers``).
- ``templates.events.v1`` (``<group>.templates``): Meta's review of submitted templates,
  into the library's copies (``templates.handlers``).

The handlers (``sending.handlers``, ``audiences.handlers``, ``templates.handlers``) own
the transactions; every one is idempotent by construction (a row only moves forward), so
none needs a claim table.
campaigns publishes only through its outbox (``context.produced_topics``).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from faststream.kafka import KafkaRouter

from mia_campaigns.audiences import handlers as audiences
from mia_campaigns.cadences import handlers as cadences
from mia_campaigns.context import CampaignsContext
from mia_campaigns.sending import handlers as sending
from mia_campaigns.templates import handlers as templates
from mia_common.contracts import (
    Envelope,
    InboundMessage,
    MessageStatus,
    SendOrigin,
    SendOutcome,
    TemplateStatusChanged,
)
from mia_common.contracts.contacts import ContactEvent
from mia_common.contracts.leads import LeadsTopicEvent
from mia_common.contracts.messages import ORIGIN_HEADER
from mia_common.messaging import subscriber_options
from mia_common.messaging.batch import BatchConsumer, Record

__all__ = ["create_batch_consumers", "create_router"]

_OURS = frozenset({SendOrigin.CAMPAIGN.value.encode(), SendOrigin.CADENCE.value.encode()})


def _not_ours(record: Record) -> bool:
    for key, value in record.headers or ():
        if key == ORIGIN_HEADER:
            return value not in _OURS
    return False  # no header (an older sender): decoded and filtered by origin


def create_batch_consumers(context: CampaignsContext) -> list[BatchConsumer[Any]]:
    """The busy topics' consumers; start them after the broker, stop them before it."""
    settings = context.settings
    group = settings.consumer_group

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
            handle=partial(sending.handle_outcomes, context),
            skip=_not_ours,
            # Offsets at most once a second, not after every batch: a record handled again
            # after a crash finds its ledger row moved already (rows only move forward).
            commit_interval_seconds=1.0,
            **common,
        ),
        BatchConsumer(
            topic=settings.status_topic,
            group_id=f"{group}.statuses",
            model=Envelope[MessageStatus],
            handle=partial(sending.handle_statuses, context),
            **common,
        ),
        BatchConsumer(
            topic=settings.inbound_topic,
            group_id=f"{group}.inbound",
            model=Envelope[InboundMessage],
            handle=partial(sending.handle_inbound, context),
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
        await audiences.handle_contact_event(context, event)
        await cadences.handle_contact_event(context, event)

    @router.subscriber(  # type: ignore[untyped-decorator]
        context.settings.leads_topic,
        **subscriber_options(f"{context.settings.consumer_group}.leads"),
    )
    async def on_lead_event(event: Envelope[LeadsTopicEvent]) -> None:
        await cadences.handle_lead_event(context, event)

    @router.subscriber(  # type: ignore[untyped-decorator]
        context.settings.templates_topic,
        **subscriber_options(f"{context.settings.consumer_group}.templates"),
    )
    async def on_template_event(event: Envelope[TemplateStatusChanged]) -> None:
        await templates.handle_template_event(context, event)

    return router
