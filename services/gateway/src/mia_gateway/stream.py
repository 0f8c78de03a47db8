"""The gateway's Kafka side: one subscriber, the live consumer feeding the browsers' hub.

It reads only ``settings.live_topics``: the topics browsers listen to. Raw channel traffic
(inbound messages, statuses, outcomes) is not among them by default, so the gateway does
not fetch and decode records it would only drop. See ``live.consumer`` for why the group
is unique per process and starts from the latest offset.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage

from mia_common.messaging import subscriber_options
from mia_common.messaging.admin import ensure_topics
from mia_gateway.config import GatewaySettings
from mia_gateway.live import handlers
from mia_gateway.live.consumer import LiveReadiness, live_group_id, live_topics

if TYPE_CHECKING:
    from aiokafka import ConsumerRecord

    from mia_gateway.context import GatewayContext

__all__ = ["create_router", "ensure_live_topics"]


def create_router(context: GatewayContext) -> KafkaRouter:
    router = KafkaRouter()
    hub = context.live
    readiness = LiveReadiness(hub)
    subscriber = router.subscriber(
        *context.settings.live_topics,
        **subscriber_options(live_group_id(), auto_offset_reset="latest", listener=readiness),
    )
    readiness.consumer_of = lambda: subscriber.consumer

    async def relay_live_event(body: Any, message: KafkaMessage) -> None:
        # One record per call (not a batch subscriber), so the raw message is one record.
        record = cast("ConsumerRecord[bytes, bytes]", message.raw_message)
        handlers.relay(hub, body, topic=record.topic)

    subscriber(relay_live_event)
    return router


async def ensure_live_topics(settings: GatewaySettings) -> None:
    """Create the live topics that do not exist yet: the consumer subscribes at start."""
    await ensure_topics(settings.kafka_bootstrap_servers, live_topics(settings.live_topics))
