"""The Kafka side of the crm: subscribers for inbound messages, outcomes and statuses.

Each topic has its own consumer group (``<group>.inbound``, ``.outcomes``, ``.statuses``),
so a slow or rebalancing consumer of one topic never stalls the others. Handlers are
thin: the record's transaction, its claim, one service call.
"""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_common.app import ServiceContext
from mia_common.contracts import Envelope, InboundMessage, MessageStatus, SendOutcome
from mia_common.messaging import create_broker, subscriber_options
from mia_crm.config import CrmSettings
from mia_crm.consumers.inbound import handle_inbound
from mia_crm.consumers.outcomes import handle_outcome
from mia_crm.consumers.statuses import handle_status

__all__ = ["create_crm_broker"]


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
        await handle_inbound(sessions(), event)

    @broker.subscriber(  # type: ignore[untyped-decorator]
        settings.outcome_topic, **subscriber_options(f"{group}.outcomes")
    )
    async def on_outcome(event: Envelope[SendOutcome]) -> None:
        await handle_outcome(sessions(), event)

    @broker.subscriber(  # type: ignore[untyped-decorator]
        settings.status_topic, **subscriber_options(f"{group}.statuses")
    )
    async def on_status(event: Envelope[MessageStatus]) -> None:
        await handle_status(sessions(), event)

    return broker
