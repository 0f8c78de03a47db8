"""The Kafka side of the crm: its four consumers, each with its own group.

- ``messages.inbound.v1`` (group ``<group>.inbound``): customers' messages, the busiest
  topic, in batches (``BatchConsumer``): one transaction per poll, not per message.
- ``messages.outcome.v1`` (``<group>.outcomes``) and ``messages.status.v1``
  (``<group>.statuses``): what became of agents' replies, one FastStream subscriber each.
- ``ai.events.v1`` (``<group>.ai``): the AI agent's replies and handoffs to apply.

A group per topic means a slow or rebalancing consumer of one never stalls the others.
Both kinds are thin: they hand the events to their feature's handler, which owns the
transaction. The crm publishes only through its outbox (see ``context.produced_topics``).
"""

from __future__ import annotations

from functools import partial

from faststream.kafka import KafkaRouter

from mia_common.contracts import Envelope, InboundMessage, MessageStatus, SendOutcome
from mia_common.contracts.ai import AiEvent
from mia_common.messaging import subscriber_options
from mia_common.messaging.batch import BatchConsumer
from mia_crm.ai_decisions import handlers as ai_decisions
from mia_crm.context import CrmContext
from mia_crm.messages import handlers as messages
from mia_crm.statuses import handlers as statuses

__all__ = ["create_inbound_consumer", "create_router"]


def create_inbound_consumer(context: CrmContext) -> BatchConsumer[Envelope[InboundMessage]]:
    """The inbound messages' consumer; start it after the app's infrastructure is built
    and stop it before the broker (its dead letters go out through the broker)."""
    settings = context.settings
    return BatchConsumer(
        settings=settings,
        broker=context.infra.broker,
        topic=settings.inbound_topic,
        group_id=f"{settings.consumer_group}.inbound",
        model=Envelope[InboundMessage],
        handle=partial(messages.handle_inbound, context),
        client_id="crm",
        # Up to 20 ms more before a message is stored, for fewer, larger transactions
        # under a steady flow (measured in bench/end_to_end.py).
        linger_seconds=0.02,
    )


def create_router(context: CrmContext) -> KafkaRouter:
    settings = context.settings
    group = settings.consumer_group
    router = KafkaRouter()

    # The options come as **kwargs, which FastStream's overloads cannot type.
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

    @router.subscriber(  # type: ignore[untyped-decorator]
        settings.ai_topic, **subscriber_options(f"{group}.ai")
    )
    async def on_ai_decision(event: Envelope[AiEvent]) -> None:
        await ai_decisions.handle_ai_event(context, event)

    return router
