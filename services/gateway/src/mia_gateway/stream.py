"""The gateway's Kafka side: one subscriber, the live consumer feeding the browsers' hub.

It reads only ``settings.live_topics``: the topics browsers listen to. Raw channel traffic
(inbound messages, statuses, outcomes) is not among them by default, so the gateway does
not fetch and decode records it would only drop. See ``live.consumer`` for why the group
is unique per process and starts from the latest offset.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage

from mia_common.contracts.campaigns import EVENT_TYPE_HEADER
from mia_common.messaging import subscriber_options
from mia_common.messaging.admin import ensure_topics
from mia_gateway.config import GatewaySettings
from mia_gateway.erasure.stream import subscribe_erasures
from mia_gateway.live import handlers
from mia_gateway.live.consumer import LiveReadiness, live_group_id, live_topics
from mia_gateway.live.events import LiveRecord

if TYPE_CHECKING:
    from aiokafka import ConsumerRecord

    from mia_gateway.context import GatewayContext

__all__ = ["create_router", "ensure_live_topics"]


async def _as_live_record(message: KafkaMessage) -> LiveRecord:
    """A FastStream decoder: the record's topic and its value, not decoded yet.

    A coroutine, and the handler takes no ``KafkaMessage`` context parameter: FastStream
    runs a plain-function decoder, and resolves a context parameter, in a thread pool, a
    thread hop for every record (py-spy: a sixth of the live consumer's time). The value is
    parsed once, by ``events.parse_event``, instead of by FastStream and again by us.
    """
    # One record per call (not a batch subscriber), so the raw message is one record.
    record = cast("ConsumerRecord[bytes, bytes]", message.raw_message)
    event_type = next(
        (value for key, value in record.headers or () if key == EVENT_TYPE_HEADER), None
    )
    return LiveRecord(
        topic=record.topic,
        value=bytes(message.body),
        event_type=event_type.decode(errors="replace") if event_type is not None else None,
    )


def create_router(context: GatewayContext) -> KafkaRouter:
    router = KafkaRouter()
    hub = context.live
    readiness = LiveReadiness(hub)
    subscriber = router.subscriber(
        *context.settings.live_topics,
        decoder=_as_live_record,
        **subscriber_options(live_group_id(), auto_offset_reset="latest", listener=readiness),
    )
    readiness.consumer_of = lambda: subscriber.consumer

    async def relay_live_event(record: LiveRecord) -> None:
        handlers.relay(hub, record)

    subscriber(relay_live_event)
    # contact.erased: recorded in the tenant's audit log.
    subscribe_erasures(router, context, topic=context.settings.contacts_topic)
    return router


async def ensure_live_topics(settings: GatewaySettings) -> None:
    """Create the live topics that do not exist yet: the consumer subscribes at start."""
    await ensure_topics(settings.kafka_bootstrap_servers, live_topics(settings.live_topics))
