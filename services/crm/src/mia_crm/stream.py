"""The Kafka side of the crm: subscribers for inbound messages, outcomes and statuses,
and the topics it produces to (through its outbox).

Each topic has its own consumer group (``<group>.inbound``, ``.outcomes``, ``.statuses``),
so a slow or rebalancing consumer of one topic never stalls the others. Handlers are
thin: the record's transaction, its claim, one service call.
"""

from __future__ import annotations

import dataclasses

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_common.app_legacy import ServiceContext
from mia_common.contracts import Envelope, InboundMessage, MessageStatus, SendOutcome
from mia_common.contracts.topics import INBOX_EVENTS, MESSAGES_SEND, Topic
from mia_common.messaging import create_broker, subscriber_options
from mia_common.messaging.admin import ensure_topics
from mia_crm.config import CrmSettings
from mia_crm.consumers.inbound import handle_inbound
from mia_crm.consumers.outcomes import handle_outcome
from mia_crm.consumers.statuses import handle_status

__all__ = ["create_crm_broker", "ensure_produced_topics", "produced_topics"]


def produced_topics(settings: CrmSettings) -> list[Topic]:
    """The topics the crm's outbox publishes to, under the names the settings give them."""
    return [
        dataclasses.replace(MESSAGES_SEND, name=settings.send_topic),
        dataclasses.replace(INBOX_EVENTS, name=settings.inbox_topic),
    ]


async def ensure_produced_topics(context: ServiceContext) -> None:
    """Create the produced topics if they are missing (the broker never auto-creates).

    ``ensure-topics`` at deploy time creates them too; this covers a broker set up before
    a topic was added. The outbox relay publishes rows in order, so one row for a missing
    topic would hold back every reply behind it.
    """
    assert isinstance(context.settings, CrmSettings)
    await ensure_topics(context.settings.kafka_bootstrap_servers, produced_topics(context.settings))


def create_crm_broker(settings: CrmSettings, context: ServiceContext) -> KafkaBroker:
    broker = create_broker(settings, client_id="crm")
    group = settings.consumer_group

    def sessions() -> async_sessionmaker[AsyncSession]:
        # Built in the app's lifespan, before the broker starts consuming.
        assert context.session_factory is not None
        return context.session_factory

    # The options come as **kwargs, which FastStream's overloads cannot type.
    @broker.subscriber(  # type: ignore[untyped-decorator]
        settings.inbound_topic, **subscriber_options(f"{group}.inbound")
    )
    async def on_inbound(event: Envelope[InboundMessage]) -> None:
        await handle_inbound(sessions(), event, inbox_topic=settings.inbox_topic)

    @broker.subscriber(  # type: ignore[untyped-decorator]
        settings.outcome_topic, **subscriber_options(f"{group}.outcomes")
    )
    async def on_outcome(event: Envelope[SendOutcome]) -> None:
        await handle_outcome(sessions(), event, inbox_topic=settings.inbox_topic)

    @broker.subscriber(  # type: ignore[untyped-decorator]
        settings.status_topic, **subscriber_options(f"{group}.statuses")
    )
    async def on_status(event: Envelope[MessageStatus]) -> None:
        await handle_status(sessions(), event, inbox_topic=settings.inbox_topic)

    return broker
