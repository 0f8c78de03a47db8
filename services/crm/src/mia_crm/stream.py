"""The Kafka side of the crm: subscribers for inbound messages, outcomes and statuses,
and the topics it produces to (through its outbox).

Each topic has its own consumer group (``<group>.inbound``, ``.outcomes``, ``.statuses``),
so a slow or rebalancing consumer of one topic never stalls the others. Subscribers are
thin: each hands its event to its feature's handler, which owns the transaction.
"""

from __future__ import annotations

import dataclasses

from faststream.kafka import KafkaRouter

from mia_common.contracts import Envelope, InboundMessage, MessageStatus, SendOutcome
from mia_common.contracts.topics import INBOX_EVENTS, MESSAGES_SEND, Topic
from mia_common.messaging import subscriber_options
from mia_common.messaging.admin import ensure_topics
from mia_crm.config import CrmSettings
from mia_crm.context import CrmContext
from mia_crm.messages import handlers as messages
from mia_crm.statuses import handlers as statuses

__all__ = ["create_router", "ensure_produced_topics", "produced_topics"]


def produced_topics(settings: CrmSettings) -> list[Topic]:
    """The topics the crm's outbox publishes to, under the names the settings give them."""
    return [
        dataclasses.replace(MESSAGES_SEND, name=settings.send_topic),
        dataclasses.replace(INBOX_EVENTS, name=settings.inbox_topic),
    ]


async def ensure_produced_topics(settings: CrmSettings) -> None:
    """Create the produced topics if they are missing (the broker never auto-creates).

    ``ensure-topics`` at deploy time creates them too; this covers a broker set up before
    a topic was added. The outbox relay publishes rows in order, so one row for a missing
    topic would hold back every reply behind it.
    """
    await ensure_topics(settings.kafka_bootstrap_servers, produced_topics(settings))


def create_router(context: CrmContext) -> KafkaRouter:
    settings = context.settings
    group = settings.consumer_group
    router = KafkaRouter()

    # The options come as **kwargs, which FastStream's overloads cannot type.
    @router.subscriber(  # type: ignore[untyped-decorator]
        settings.inbound_topic, **subscriber_options(f"{group}.inbound")
    )
    async def on_inbound(event: Envelope[InboundMessage]) -> None:
        await messages.handle_inbound(context, event)

    @router.subscriber(  # type: ignore[untyped-decorator]
        settings.outcome_topic, **subscriber_options(f"{group}.outcomes")
    )
    async def on_outcome(event: Envelope[SendOutcome]) -> None:
        await statuses.handle_outcome(context, event)

    @router.subscriber(  # type: ignore[untyped-decorator]
        settings.status_topic, **subscriber_options(f"{group}.statuses")
    )
    async def on_status(event: Envelope[MessageStatus]) -> None:
        await statuses.handle_status(context, event)

    return router
