"""Reading topics in tests: what was published, and proof that nothing more was.

A ``TopicReader`` takes every partition of one topic without a consumer group (so it
commits nothing and disturbs no service's group), from the beginning of the topic or from
the end offsets taken when it starts, and keeps what it reads in the background.

"Nothing (more) was published" cannot be shown by reading for a while and seeing nothing:
a cold consumer on a busy machine reads nothing in time either. ``up_to_marker`` produces a
marker record on every partition *after* the action and reads until each one arrives; a
partition is an ordered log, so every record the action published before the marker was
produced is then among the records read. The test must still wait for the action itself to
be over (the HTTP answer came back, the consumer under test handled its input) before
asking for the marker.

Consumers of the topic see the markers too: a JSON object no event model accepts, so a
service dead-letters it, with its headers kept, and a reader of the dead-letter topic skips
it as well.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, Self

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from mia_common.testing.waiting import wait_until

__all__ = [
    "MARKER_HEADER",
    "TopicReader",
    "TopicRecord",
    "end_offsets",
    "group_caught_up",
    "read_topic",
    "read_up_to_marker",
]

MARKER_HEADER = "x-mia-test-marker"
Start = Literal["beginning", "end"]


@dataclass(frozen=True)
class TopicRecord:
    """One record as it is on the topic; ``envelope`` decodes its JSON value when asked."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...] = ()

    @classmethod
    def of(cls, record: ConsumerRecord[bytes, bytes]) -> TopicRecord:
        return cls(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key,
            value=record.value,
            headers=tuple(record.headers or ()),
        )

    @cached_property
    def envelope(self) -> dict[str, Any]:
        """The decoded JSON value (an event envelope on every topic of ours)."""
        decoded = json.loads(self.value or b"null")
        if not isinstance(decoded, dict):
            raise ValueError(f"{self.topic}@{self.offset} holds no JSON object: {self.value!r}")
        return decoded

    @property
    def data(self) -> Any:
        """The envelope's ``data``: the event itself."""
        return self.envelope["data"]

    def header(self, name: str) -> str | None:
        """The first header called ``name``, decoded, or None."""
        return next((value.decode() for key, value in self.headers if key == name), None)

    @property
    def header_map(self) -> dict[str, str]:
        return {key: value.decode() for key, value in self.headers}


class TopicReader:
    """Reads every partition of ``topic`` in the background while the block runs.

    ``start="beginning"`` reads the whole topic; ``start="end"`` takes the end offsets when
    the block is entered, so only what is published afterwards is read.
    """

    def __init__(
        self,
        bootstrap: str,
        topic: str,
        *,
        start: Start = "beginning",
        # Topics of a test are created just before; a broker may need a moment to know them.
        metadata_timeout: float = 30.0,
    ) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self.start = start
        self.records: list[TopicRecord] = []
        self.partitions: frozenset[int] = frozenset()
        self._metadata_timeout = metadata_timeout
        # marker id -> partition -> offset of that marker
        self._markers: dict[str, dict[int, int]] = {}
        self._consumer: AIOKafkaConsumer | None = None
        self._producer: AIOKafkaProducer | None = None
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Self:
        producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap,
            acks="all",
            request_timeout_ms=int(self._metadata_timeout * 1000),
        )
        await producer.start()
        self._producer = producer
        try:
            # The producer waits for the topic's metadata; the consumer's look-up does not.
            self.partitions = frozenset(await producer.partitions_for(self.topic))
            consumer = AIOKafkaConsumer(
                bootstrap_servers=self.bootstrap, group_id=None, enable_auto_commit=False
            )
            assigned = [TopicPartition(self.topic, p) for p in sorted(self.partitions)]
            consumer.assign(assigned)
            await consumer.start()
            self._consumer = consumer
            if self.start == "end":
                await consumer.seek_to_end(*assigned)
            else:
                await consumer.seek_to_beginning(*assigned)
            # A seek is lazy: asking for the positions fixes them now, before the action.
            for partition in assigned:
                await consumer.position(partition)
        except BaseException:
            await self.__aexit__()
            raise
        self._task = asyncio.create_task(self._read(consumer))
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def _read(self, consumer: AIOKafkaConsumer) -> None:
        while True:
            batch = await consumer.getmany(timeout_ms=100)
            for records in batch.values():
                for raw in records:
                    record = TopicRecord.of(raw)
                    marker = record.header(MARKER_HEADER)
                    if marker is None:
                        self.records.append(record)
                    else:
                        self._markers.setdefault(marker, {})[record.partition] = record.offset

    def _check_reading(self) -> None:
        """Raise what stopped the background read, rather than time out waiting on it."""
        if self._task is None:
            raise RuntimeError("use the TopicReader in an `async with` block")
        if self._task.done():
            self._task.result()
            raise RuntimeError(f"the reader of {self.topic} stopped")

    def matching(self, predicate: Callable[[TopicRecord], object]) -> list[TopicRecord]:
        """The records read so far that ``predicate`` accepts, in the order read."""
        return [record for record in self.records if predicate(record)]

    async def wait_for(
        self,
        predicate: Callable[[TopicRecord], object] = lambda _: True,
        *,
        count: int = 1,
        timeout: float = 20.0,  # noqa: ASYNC109 - wait_until's deadline
        message: str | None = None,
    ) -> list[TopicRecord]:
        """At least ``count`` records that ``predicate`` accepts; fails after ``timeout`` s."""

        def enough() -> list[TopicRecord]:
            self._check_reading()
            found = self.matching(predicate)
            return found if len(found) >= count else []

        return await wait_until(
            enough, timeout=timeout, message=message or f"{count} record(s) on {self.topic}"
        )

    async def up_to_marker(self, *, timeout: float = 20.0) -> list[TopicRecord]:  # noqa: ASYNC109
        """Every record read that was on the topic before markers produced now, one per
        partition; so what is not among them was not published before this call."""
        assert self._producer is not None, "use the TopicReader in an `async with` block"
        marker = uuid.uuid4().hex
        value = json.dumps({"mia_test_marker": marker}).encode()
        for partition in sorted(self.partitions):
            await self._producer.send_and_wait(
                self.topic,
                value,
                # A compacted topic refuses records without a key.
                key=f"mia-test-marker-{marker}".encode(),
                partition=partition,
                headers=[(MARKER_HEADER, marker.encode())],
            )

        def arrived() -> dict[int, int]:
            self._check_reading()
            offsets = self._markers.get(marker, {})
            # Empty (falsy) until every partition's marker is in: a topic has at least one.
            return offsets if set(offsets) >= self.partitions else {}

        offsets = await wait_until(
            arrived, timeout=timeout, message=f"the marker read back from {self.topic}"
        )
        return [record for record in self.records if record.offset < offsets[record.partition]]


async def read_topic(
    bootstrap: str,
    topic: str,
    *,
    until: Callable[[list[TopicRecord]], object],
    timeout: float = 20.0,  # noqa: ASYNC109 - wait_until's deadline
    message: str | None = None,
) -> list[TopicRecord]:
    """``topic`` read from its beginning until ``until(records)`` holds; fails after
    ``timeout`` s. Returns every record read by then (more may come later)."""
    async with TopicReader(bootstrap, topic) as reader:

        def done() -> bool:
            reader._check_reading()
            return bool(until(reader.records))

        await wait_until(done, timeout=timeout, message=message or f"the records on {topic}")
        return list(reader.records)


async def read_up_to_marker(
    bootstrap: str,
    topic: str,
    *,
    timeout: float = 20.0,  # noqa: ASYNC109 - wait_until's deadline
) -> list[TopicRecord]:
    """Every record of ``topic`` from its beginning up to markers produced now: the whole
    of what had been published on it when this was called."""
    async with TopicReader(bootstrap, topic) as reader:
        return await reader.up_to_marker(timeout=timeout)


async def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    """partition -> offset of the next record to be written."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await producer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in await producer.partitions_for(topic)]
        await consumer.start()
        try:
            ends = await consumer.end_offsets(partitions)
        finally:
            await consumer.stop()
    finally:
        await producer.stop()
    return {tp.partition: offset for tp, offset in ends.items()}


async def group_caught_up(bootstrap: str, group: str, topic: str) -> bool:
    """True when ``group`` has committed every record of ``topic`` written so far."""
    ends = await end_offsets(bootstrap, topic)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(
            group, partitions=[TopicPartition(topic, p) for p in ends]
        )
    finally:
        await admin.close()
    offsets = {tp.partition: meta.offset for tp, meta in committed.items()}
    return all(end == 0 or offsets.get(p, -1) >= end for p, end in ends.items())


async def group_stable(bootstrap: str, group: str) -> bool:
    """True when ``group`` has members and has finished (re)balancing: its consumers hold
    their partitions. An app's consumers join a few seconds after it started; a test that
    publishes sooner to a topic the group reads would wait on the join, not the code."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        responses = await admin.describe_consumer_groups([group])
    finally:
        await admin.close()
    for response in responses:
        for described in response.groups:
            # (error_code, group_id, state, protocol_type, protocol, members, ...)
            error_code, group_id, state, members = (
                described[0],
                described[1],
                described[2],
                described[5],
            )
            if group_id == group and error_code == 0 and state == "Stable" and members:
                return True
    return False
