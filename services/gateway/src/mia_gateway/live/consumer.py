"""How the live consumer reads Kafka: a group of its own per process, from the latest offset.

Unlike the platform's other consumers, which share the work in one group, each gateway
process needs every event (its browsers may belong to any tenant), so each has a group
of its own and starts from the latest offset: a browser that was away catches up from
the replay buffer or refetches, never from Kafka history. The hub is ready (an event
published from then on is sure to reach it) once the consumer has its partitions and
knows where it reads from in each (``LiveReadiness``).

The subscriber itself is in ``stream.py``; what it calls is ``handlers.relay``.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import structlog
from aiokafka import TopicPartition
from aiokafka.abc import ConsumerRebalanceListener

from mia_common.contracts.topics import TOPICS, Topic

if TYPE_CHECKING:
    from aiokafka import AIOKafkaConsumer

    from mia_gateway.live.hub import LiveHub

__all__ = ["LiveReadiness", "live_group_id", "live_topics"]

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


class LiveReadiness(ConsumerRebalanceListener):  # type: ignore[misc]
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
