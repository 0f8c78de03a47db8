"""The Kafka side of the live events: every gateway process reads every live topic.

Unlike the platform's other consumers, which share the work in one group, each gateway
process needs every event (its browsers may belong to any tenant), so each has a group
of its own and starts from the latest offset: a browser that was away catches up from
the replay buffer or refetches, never from Kafka history.

The broker is a dedicated one, built and started here: the gateway's main broker is
already started when the lifespan hooks run, and FastStream subscribes only at start.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

import structlog
from aiokafka import TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from mia_common.contracts.topics import TOPICS, Topic
from mia_common.messaging import create_broker, subscriber_options
from mia_common.messaging.admin import ensure_topics
from mia_gateway.config import GatewaySettings
from mia_gateway.live.events import parse_event

if TYPE_CHECKING:
    from aiokafka import AIOKafkaConsumer, ConsumerRecord

    from mia_gateway.live.hub import LiveHub

__all__ = ["live_group_id", "live_topics", "start_consumer"]

logger = structlog.get_logger(__name__)
# A topic the registry does not know (a newer service's, or a test's) gets this many.
UNREGISTERED_TOPIC_PARTITIONS = 3


def live_topics(names: Iterable[str]) -> list[Topic]:
    """The registry's entries for ``names``; a plain topic for a name it does not list."""
    registry = {topic.name: topic for topic in TOPICS}
    return [
        registry.get(name) or Topic(name, UNREGISTERED_TOPIC_PARTITIONS, key="tenant")
        for name in names
    ]


def live_group_id() -> str:
    """Unique per process: every replica, and every worker of one host, sees every event."""
    return f"gateway-live-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class _Readiness(ConsumerRebalanceListener):  # type: ignore[misc]
    """Marks the hub ready once the consumer has partitions and its start positions.

    With ``auto_offset_reset="latest"`` the position is looked up after the assignment;
    an event published before that lookup would be skipped, so "assigned" is not enough.
    The lookup runs in a task: awaiting the consumer inside its own rebalance callback
    could wait on the very rebalance that called it.
    """

    def __init__(self, hub: LiveHub) -> None:
        self.hub = hub
        # The subscriber builds its consumer at start, before any assignment can happen.
        self.consumer_of: Callable[[], AIOKafkaConsumer | None] = lambda: None
        self._task: asyncio.Task[None] | None = None

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        self.hub.mark_unready()

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        if self._task is not None:
            self._task.cancel()
        if assigned:
            self._task = asyncio.create_task(self._mark_ready_when_positioned(assigned))

    async def _mark_ready_when_positioned(self, assigned: set[TopicPartition]) -> None:
        consumer = self.consumer_of()
        if consumer is None:
            return
        try:
            for partition in assigned:
                await consumer.position(partition)
        except Exception as exc:
            # Another rebalance took the partitions: its own callback tries again.
            logger.info("live consumer not positioned yet", error=repr(exc))
            return
        self.hub.mark_ready()
        logger.info("live consumer ready", partitions=len(assigned))


async def start_consumer(settings: GatewaySettings, hub: LiveHub) -> KafkaBroker:
    """Create the live topics if need be, subscribe to them, start; returns the broker."""
    await ensure_topics(settings.kafka_bootstrap_servers, live_topics(settings.live_topics))
    broker = create_broker(settings, client_id="gateway-live")
    readiness = _Readiness(hub)
    subscriber = broker.subscriber(
        *settings.live_topics,
        **subscriber_options(live_group_id(), auto_offset_reset="latest", listener=readiness),
    )

    readiness.consumer_of = lambda: subscriber.consumer

    async def relay(body: Any, message: KafkaMessage) -> None:
        # One record per call (not a batch subscriber), so the raw message is one record.
        record = cast("ConsumerRecord[bytes, bytes]", message.raw_message)
        # A malformed record raises PermanentError: dead-lettered, and the consumer goes on.
        hub.publish(parse_event(body, topic=record.topic))

    subscriber(relay)
    await broker.start()
    return broker
