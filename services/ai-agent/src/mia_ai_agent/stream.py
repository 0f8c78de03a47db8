"""The Kafka side of the ai-agent.

- ``inbox.events.v1`` (group ``<group>.inbox``): what the crm stored (customers' messages,
  people's replies, assignments), for the bot's transcript and its debounced turns
  (``conversations.handlers``).

The ai-agent publishes only through its outbox (``ai.events.v1``).
"""

from __future__ import annotations

from faststream.kafka import KafkaRouter

from mia_ai_agent.context import AiAgentContext
from mia_ai_agent.conversations.handlers import handle_inbox_event
from mia_common.contracts import Envelope, InboxEvent
from mia_common.messaging import subscriber_options

__all__ = ["create_router"]


def create_router(context: AiAgentContext) -> KafkaRouter:
    settings = context.settings
    router = KafkaRouter()

    @router.subscriber(  # type: ignore[untyped-decorator]
        settings.inbox_topic, **subscriber_options(f"{settings.consumer_group}.inbox")
    )
    async def on_inbox(event: Envelope[InboxEvent]) -> None:
        await handle_inbox_event(context, event)

    return router
