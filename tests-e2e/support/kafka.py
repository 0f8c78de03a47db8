"""Publishing and reading the stack's topics directly, as another service would."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from mia_common.contracts import Envelope

__all__ = ["TopicReader", "group_caught_up", "publish_envelopes"]


async def publish_envelopes(
    bootstrap: str, topic: str, envelopes: Iterable[tuple[bytes, Envelope[Any]]]
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    try:
        sends = [
            await producer.send(topic, json.dumps(env.to_json_dict()).encode(), key=key)
            for key, env in envelopes
        ]
        await asyncio.gather(*sends)
    finally:
        await producer.stop()


class TopicReader:
    """Reads a topic from its start in the background, keeping the decoded values."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self.values: list[dict[str, Any]] = []
        self._consumer = AIOKafkaConsumer(
            topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest"
        )
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> TopicReader:
        await self._consumer.start()
        self._task = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        await self._consumer.stop()

    async def _read(self) -> None:
        while True:
            batch = await self._consumer.getmany(timeout_ms=200)
            for records in batch.values():
                self.values.extend(json.loads(r.value) for r in records if r.value)

    def matching(self, predicate: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
        return [value for value in self.values if predicate(value)]


async def group_caught_up(bootstrap: str, group: str, topic: str) -> bool:
    """True when ``group`` has committed every record of ``topic`` written so far."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await admin.start()
    await consumer.start()
    try:
        partitions = [
            TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or set()
        ]
        if not partitions:
            await consumer.topics()  # load metadata, then look again
            partitions = [
                TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or set()
            ]
        ends = await consumer.end_offsets(partitions)
        committed = await admin.list_consumer_group_offsets(group, partitions=partitions)
    finally:
        await consumer.stop()
        await admin.close()
    return all(
        ends[tp] == 0 or (tp in committed and committed[tp].offset >= ends[tp]) for tp in partitions
    )
