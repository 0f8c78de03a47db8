"""The topic reader tests rely on: what it reads, from where, and what its marker proves."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from mia_common.testing import (
    MARKER_HEADER,
    TopicReader,
    group_caught_up,
    read_topic,
    read_up_to_marker,
)
from mia_common.testing.kafka import end_offsets


@pytest.fixture
async def producer(kafka_bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    yield producer
    await producer.stop()


def event(n: int) -> bytes:
    return json.dumps({"type": "test.v1", "data": {"n": n}}).encode()


async def test_reads_the_topic_from_its_beginning_with_keys_and_headers(
    kafka_bootstrap: str, kafka_topics, producer: AIOKafkaProducer
) -> None:
    topic = await kafka_topics()
    for n in range(3):
        await producer.send_and_wait(
            topic, event(n), key=f"k{n}".encode(), headers=[("x-n", str(n).encode())]
        )
    records = await read_topic(kafka_bootstrap, topic, until=lambda found: len(found) >= 3)
    assert [r.data["n"] for r in records] == [0, 1, 2]
    assert [r.key for r in records] == [b"k0", b"k1", b"k2"]
    assert [r.header("x-n") for r in records] == ["0", "1", "2"]
    assert records[2].header_map == {"x-n": "2"}
    assert [r.offset for r in records] == [0, 1, 2]


async def test_reading_fails_with_its_message_when_the_records_never_come(
    kafka_bootstrap: str, kafka_topics
) -> None:
    topic = await kafka_topics()
    with pytest.raises(AssertionError, match="two transfers"):
        await read_topic(
            kafka_bootstrap,
            topic,
            until=lambda found: len(found) >= 2,
            timeout=1,
            message="two transfers",
        )


async def test_a_reader_from_the_end_sees_only_what_came_after_it_started(
    kafka_bootstrap: str, kafka_topics, producer: AIOKafkaProducer
) -> None:
    topic = await kafka_topics(partitions=3)
    for n in range(3):
        await producer.send_and_wait(topic, event(n), partition=n)
    async with TopicReader(kafka_bootstrap, topic, start="end") as reader:
        await producer.send_and_wait(topic, event(10), partition=1)
        found = await reader.wait_for(lambda r: r.data["n"] >= 10)
        after = await reader.up_to_marker()
    assert [r.data["n"] for r in found] == [10]
    assert [r.data["n"] for r in after] == [10], "the records before the start are not read"


async def test_up_to_marker_holds_everything_published_before_it_on_every_partition(
    kafka_bootstrap: str, kafka_topics, producer: AIOKafkaProducer
) -> None:
    topic = await kafka_topics(partitions=4)
    async with TopicReader(kafka_bootstrap, topic, start="end") as reader:
        # Published just before asking, with no wait: only the markers make them certain.
        for n in range(8):
            await producer.send_and_wait(topic, event(n), partition=n % 4)
        records = await reader.up_to_marker()
    assert sorted(r.data["n"] for r in records) == list(range(8))
    assert {r.partition for r in records} == {0, 1, 2, 3}


async def test_up_to_marker_waits_for_a_backlog_to_be_read_not_for_a_while(
    kafka_bootstrap: str, kafka_topics, producer: AIOKafkaProducer
) -> None:
    topic = await kafka_topics(partitions=4)
    backlog = 20_000
    sends = [await producer.send(topic, event(n), partition=n % 4) for n in range(backlog)]
    await producer.flush()
    assert all(send.done() for send in sends)
    # Far more than is read in the moment the markers take to be produced.
    records = await read_up_to_marker(kafka_bootstrap, topic, timeout=60)
    assert len(records) == backlog
    assert len({r.data["n"] for r in records}) == backlog


async def test_up_to_marker_on_a_topic_that_got_nothing_is_empty_and_markers_are_never_records(
    kafka_bootstrap: str, kafka_topics, producer: AIOKafkaProducer
) -> None:
    topic = await kafka_topics(partitions=2)
    assert await read_up_to_marker(kafka_bootstrap, topic) == []
    # Another reader's markers are on the topic now: they are not records to this one.
    await producer.send_and_wait(topic, event(1), partition=0)
    async with TopicReader(kafka_bootstrap, topic) as reader:
        records = await reader.up_to_marker()
        assert [r.data["n"] for r in records] == [1]
        assert all(r.header(MARKER_HEADER) is None for r in reader.records)
    assert sum((await end_offsets(kafka_bootstrap, topic)).values()) == 1 + 2 + 2, (
        "each marker call put one marker on each of the two partitions"
    )


async def test_records_published_after_the_marker_are_not_before_it(
    kafka_bootstrap: str, kafka_topics, producer: AIOKafkaProducer
) -> None:
    topic = await kafka_topics()
    async with TopicReader(kafka_bootstrap, topic) as reader:
        await producer.send_and_wait(topic, event(1))
        before = await reader.up_to_marker()
        await producer.send_and_wait(topic, event(2))
        await reader.wait_for(lambda r: r.data["n"] == 2)
    assert [r.data["n"] for r in before] == [1]
    assert [r.data["n"] for r in reader.records] == [1, 2]


async def test_wait_for_counts_matching_records(
    kafka_bootstrap: str, kafka_topics, producer: AIOKafkaProducer
) -> None:
    topic = await kafka_topics()
    async with TopicReader(kafka_bootstrap, topic) as reader:
        for n in range(5):
            await producer.send_and_wait(topic, event(n))
        even = await reader.wait_for(lambda r: r.data["n"] % 2 == 0, count=3)
        with pytest.raises(AssertionError, match="four evens"):
            await reader.wait_for(
                lambda r: r.data["n"] % 2 == 0, count=4, timeout=0.5, message="four evens"
            )
    assert [r.data["n"] for r in even] == [0, 2, 4]


async def test_group_caught_up_once_the_group_committed_the_last_record(
    kafka_bootstrap: str, kafka_topics, producer: AIOKafkaProducer
) -> None:
    topic = await kafka_topics(partitions=2)
    group = f"test-group-{uuid.uuid4().hex[:10]}"
    assert await group_caught_up(kafka_bootstrap, group, topic), "an empty topic: nothing to read"
    for n, partition in enumerate((0, 0, 1)):
        await producer.send_and_wait(topic, event(n), partition=partition)
    assert not await group_caught_up(kafka_bootstrap, group, topic), "nothing committed yet"

    first, second = TopicPartition(topic, 0), TopicPartition(topic, 1)
    # The group's commits, made directly: a consumer of the group with both partitions.
    consumer = AIOKafkaConsumer(
        bootstrap_servers=kafka_bootstrap, group_id=group, enable_auto_commit=False
    )
    consumer.assign([first, second])
    await consumer.start()
    try:
        await consumer.commit({first: 1, second: 1})
        assert not await group_caught_up(kafka_bootstrap, group, topic), "one record left"
        await consumer.commit({first: 2, second: 1})
        assert await group_caught_up(kafka_bootstrap, group, topic)
    finally:
        await consumer.stop()


async def test_the_topic_reader_fixture_gives_running_readers(
    topic_reader, kafka_topics, producer: AIOKafkaProducer
) -> None:
    topic = await kafka_topics()
    await producer.send_and_wait(topic, event(1))
    whole = await topic_reader(topic)
    later = await topic_reader(topic, start="end")
    await producer.send_and_wait(topic, event(2))
    assert [r.data["n"] for r in await whole.wait_for(count=2)] == [1, 2]
    assert [r.data["n"] for r in await later.up_to_marker()] == [2]
