"""The batch consumer on the real broker: batches, commits, poison records, dead letters."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from faststream.kafka import KafkaBroker
from structlog.testing import capture_logs

from mia_common.contracts import Envelope, dead_letter_topic
from mia_common.messaging import (
    OutgoingRecord,
    PermanentError,
    RetryPolicy,
    create_broker,
    publish_many,
    stop_broker,
)
from mia_common.messaging.admin import delete_topics
from mia_common.messaging.batch import BatchConsumer
from mia_common.settings import PlatformSettings
from mia_common.testing import wait_until
from mia_common.testing.kafka import TopicReader, end_offsets, group_caught_up
from support.transfers import TransferMade

FAST_RETRIES = RetryPolicy(max_attempts=3, initial_backoff=0.05, max_backoff=0.2)
Transfer = Envelope[TransferMade]


def transfer(amount: int) -> Transfer:
    return Transfer(
        type="test.transfer.made.v1",
        source="/tests",
        tenantid=uuid.uuid4(),
        data=TransferMade(account_id=uuid.uuid4(), amount=amount),
    )


def amounts(batch: list[Transfer]) -> list[int]:
    return [event.data.amount for event in batch]


async def produce(broker: KafkaBroker, topic: str, values: list[int | bytes]) -> None:
    """Publish in order, all on one key (one partition): the order a consumer must keep."""
    await publish_many(
        broker,
        [
            OutgoingRecord(
                topic,
                value if isinstance(value, bytes) else transfer(value).to_json_dict(),
                key=b"one",
            )
            for value in values
        ],
    )


@pytest.fixture
async def broker(platform_settings: PlatformSettings) -> AsyncIterator[KafkaBroker]:
    """A started broker: the consumers' dead letters go out through it."""
    broker = create_broker(platform_settings, client_id="batch-test")
    await broker.start()
    yield broker
    await stop_broker(broker)


@pytest.fixture
async def consumers() -> AsyncIterator[list[BatchConsumer[Any]]]:
    """Consumers registered here are stopped after the test."""
    started: list[BatchConsumer[Any]] = []
    yield started
    for consumer in started:
        await consumer.stop()


@pytest.fixture
def consume(
    platform_settings: PlatformSettings,
    broker: KafkaBroker,
    consumers: list[BatchConsumer[Any]],
    unique_group: str,
) -> Callable[..., Awaitable[BatchConsumer[Transfer]]]:
    async def start(
        topic: str,
        handle: Callable[[list[Transfer]], Awaitable[object]],
        *,
        on_broker: KafkaBroker | None = None,
        **options: Any,
    ) -> BatchConsumer[Transfer]:
        options.setdefault("retry_policy", FAST_RETRIES)
        consumer = BatchConsumer(
            settings=platform_settings,
            broker=on_broker or broker,
            topic=topic,
            group_id=unique_group,
            model=Transfer,
            handle=handle,
            **options,
        )
        await consumer.start()
        consumers.append(consumer)
        return consumer

    return start


async def test_records_are_handled_in_batches_in_order_and_committed(
    platform_settings: PlatformSettings,
    broker: KafkaBroker,
    consume: Callable[..., Awaitable[BatchConsumer[Transfer]]],
    kafka_topics: Any,
    unique_group: str,
) -> None:
    topic = await kafka_topics("batch")
    await produce(broker, topic, list(range(200)))
    batches: list[list[int]] = []

    async def handle(batch: list[Transfer]) -> None:
        batches.append(amounts(batch))

    await consume(topic, handle)
    await wait_until(lambda: sum(map(len, batches)) == 200, message="all 200 handled")
    assert [amount for batch in batches for amount in batch] == list(range(200))
    assert max(map(len, batches)) > 1, "records already waiting are handled together"
    await wait_until(
        lambda: group_caught_up(platform_settings.kafka_bootstrap_servers, unique_group, topic),
        message="the group's offsets committed after handling",
    )


async def test_a_restarted_consumer_resumes_after_the_last_committed_batch(
    broker: KafkaBroker,
    consume: Callable[..., Awaitable[BatchConsumer[Transfer]]],
    kafka_topics: Any,
) -> None:
    topic = await kafka_topics("batch")
    first: list[int] = []

    async def handle_first(batch: list[Transfer]) -> None:
        first.extend(amounts(batch))

    consumer = await consume(topic, handle_first)
    await produce(broker, topic, [1, 2, 3])
    await wait_until(lambda: first == [1, 2, 3], message="the first run handled its records")
    await consumer.stop()

    second: list[int] = []

    async def handle_second(batch: list[Transfer]) -> None:
        second.extend(amounts(batch))

    await consume(topic, handle_second)
    await produce(broker, topic, [99])  # the marker: read after anything left uncommitted
    await wait_until(lambda: 99 in second, message="the new record handled")
    assert second == [99], "records handled and committed before the restart are not redelivered"


async def test_a_batch_abandoned_at_shutdown_is_delivered_again(
    broker: KafkaBroker,
    consume: Callable[..., Awaitable[BatchConsumer[Transfer]]],
    kafka_topics: Any,
) -> None:
    topic = await kafka_topics("batch")
    stuck = asyncio.Event()

    async def never_finishes(batch: list[Transfer]) -> None:
        stuck.set()
        await asyncio.Event().wait()

    consumer = await consume(topic, never_finishes, shutdown_seconds=0.2)
    await produce(broker, topic, [5, 6])
    await wait_until(stuck.is_set, message="the handler holding the batch")
    await consumer.stop()

    again: list[int] = []

    async def handle(batch: list[Transfer]) -> None:
        again.extend(amounts(batch))

    await consume(topic, handle)
    await wait_until(lambda: again == [5, 6], message="the uncommitted batch delivered again")


async def test_unparseable_records_are_dead_lettered_raw_with_reason_and_the_rest_handled(
    platform_settings: PlatformSettings,
    broker: KafkaBroker,
    consume: Callable[..., Awaitable[BatchConsumer[Transfer]]],
    kafka_topics: Any,
) -> None:
    topic = await kafka_topics("batch")
    handled: list[int] = []

    async def handle(batch: list[Transfer]) -> None:
        handled.extend(amounts(batch))

    async with TopicReader(
        platform_settings.kafka_bootstrap_servers, dead_letter_topic(topic)
    ) as dead:
        await produce(broker, topic, [1, b'{"not": "an envelope"}', 2, b"\xff\xfe not json", 3])
        await consume(topic, handle)
        await wait_until(lambda: handled == [1, 2, 3], message="the valid records handled")
        letters = await dead.wait_for(count=2)
    assert [letter.value for letter in letters] == [b'{"not": "an envelope"}', b"\xff\xfe not json"]
    headers = letters[0].header_map
    assert headers["x-dlq-error-type"] == "ValidationError"
    assert headers["x-dlq-original-topic"] == topic
    assert headers["x-dlq-attempts"] == "1", "a payload that cannot validate is not retried"


async def test_records_the_skip_rule_picks_are_never_decoded_and_still_committed(
    platform_settings: PlatformSettings,
    broker: KafkaBroker,
    consume: Callable[..., Awaitable[BatchConsumer[Transfer]]],
    kafka_topics: Any,
    unique_group: str,
) -> None:
    """A skipped record is not decoded: garbage marked to skip is not dead-lettered, the
    same garbage unmarked is; both are committed with the batch."""
    topic = await kafka_topics("batch")
    handled: list[int] = []

    async def handle(batch: list[Transfer]) -> None:
        handled.extend(amounts(batch))

    skip_header = ("x-skip", b"1")
    await publish_many(
        broker,
        [
            OutgoingRecord(topic, transfer(1).to_json_dict(), key=b"one"),
            OutgoingRecord(topic, b"skipped garbage", key=b"one", headers={"x-skip": "1"}),
            OutgoingRecord(topic, transfer(2).to_json_dict(), key=b"one", headers={"x-skip": "1"}),
            OutgoingRecord(topic, b"unmarked garbage", key=b"one"),
            OutgoingRecord(topic, transfer(3).to_json_dict(), key=b"one"),
        ],
    )
    async with TopicReader(
        platform_settings.kafka_bootstrap_servers, dead_letter_topic(topic)
    ) as dead:
        await consume(topic, handle, skip=lambda record: skip_header in (record.headers or ()))
        await wait_until(lambda: handled == [1, 3], message="the unmarked valid records handled")
        await wait_until(
            lambda: group_caught_up(platform_settings.kafka_bootstrap_servers, unique_group, topic),
            message="the skipped records committed with their batch",
        )
        # Dead letters go out before the commit: every one is on the topic by now.
        letters = await dead.up_to_marker()
    assert [letter.value for letter in letters] == [b"unmarked garbage"]
    assert handled == [1, 3], "a skipped valid record never reaches the handler"


async def committed_count(bootstrap: str, group: str, topic: str) -> int:
    """How many records of ``topic`` ``group`` has committed (all partitions together)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        partitions = [TopicPartition(topic, p) for p in await end_offsets(bootstrap, topic)]
        committed = await admin.list_consumer_group_offsets(group, partitions=partitions)
    finally:
        await admin.close()
    return sum(max(meta.offset, 0) for meta in committed.values())


async def test_with_a_commit_interval_offsets_wait_and_are_committed_when_it_stops(
    platform_settings: PlatformSettings,
    broker: KafkaBroker,
    consume: Callable[..., Awaitable[BatchConsumer[Transfer]]],
    kafka_topics: Any,
    unique_group: str,
) -> None:
    bootstrap = platform_settings.kafka_bootstrap_servers
    topic = await kafka_topics("batch")
    handled: list[int] = []

    async def handle(batch: list[Transfer]) -> None:
        handled.extend(amounts(batch))

    await produce(broker, topic, list(range(5)))
    consumer = await consume(topic, handle, commit_interval_seconds=3600)
    await wait_until(lambda: len(handled) == 5, message="the first records handled")
    await wait_until(
        lambda: group_caught_up(bootstrap, unique_group, topic),
        message="the first batch committed at once",
    )
    await produce(broker, topic, list(range(5, 10)))
    await wait_until(lambda: len(handled) == 10, message="the next records handled")
    # One more record handled means the loop went past the point where, without the
    # interval, the previous batch would have been committed.
    await produce(broker, topic, [10])
    await wait_until(lambda: len(handled) == 11, message="a later record handled")
    assert await committed_count(bootstrap, unique_group, topic) == 5, "the rest waits"

    await consumer.stop()
    assert await committed_count(bootstrap, unique_group, topic) == 11, "committed at stop"


async def test_stopping_never_hangs_on_a_commit_the_broker_cannot_take(
    platform_settings: PlatformSettings,
    broker: KafkaBroker,
    consume: Callable[..., Awaitable[BatchConsumer[Transfer]]],
    kafka_topics: Any,
) -> None:
    # aiokafka retries a commit to a deleted topic forever; a process being stopped (a
    # deploy, a crash-looping broker) must still stop, its offsets left to be redelivered.
    topic = await kafka_topics("batch")
    handled: list[int] = []

    async def handle(batch: list[Transfer]) -> None:
        handled.extend(amounts(batch))

    await produce(broker, topic, [1])
    consumer = await consume(topic, handle, commit_interval_seconds=3600, shutdown_seconds=1)
    await wait_until(lambda: handled == [1], message="the first record handled")
    await produce(broker, topic, [2])
    await wait_until(lambda: handled == [1, 2], message="a record whose commit waits")
    await delete_topics(platform_settings.kafka_bootstrap_servers, [topic])

    await asyncio.wait_for(consumer.stop(), timeout=15)

    assert not consumer.running


async def test_with_a_linger_records_arriving_soon_after_a_poll_join_its_batch(
    platform_settings: PlatformSettings,
    broker: KafkaBroker,
    consume: Callable[..., Awaitable[BatchConsumer[Transfer]]],
    kafka_topics: Any,
) -> None:
    topic = await kafka_topics("batch")
    batches: list[list[int]] = []

    async def handle(batch: list[Transfer]) -> None:
        batches.append(amounts(batch))

    await produce(broker, topic, [1])
    [partition] = [
        p
        for p, end in (await end_offsets(platform_settings.kafka_bootstrap_servers, topic)).items()
        if end
    ]
    consumer = await consume(topic, handle, linger_seconds=3.0)
    aiokafka_consumer = consumer._consumer
    assert aiokafka_consumer is not None

    async def first_record_polled() -> bool:
        assigned = TopicPartition(topic, partition)
        if assigned not in aiokafka_consumer.assignment():
            return False  # still joining the group
        return await aiokafka_consumer.position(assigned) == 1

    await wait_until(first_record_polled, message="the first record polled, not yet handled")
    assert batches == [], "it lingers before handling"
    await produce(broker, topic, [2, 3])
    await wait_until(lambda: batches, message="the lingered batch handled")
    assert batches == [[1, 2, 3]], "what arrived during the linger joined the first record"


async def test_a_poison_record_is_dead_lettered_after_its_attempts_without_stalling(
    platform_settings: PlatformSettings,
    broker: KafkaBroker,
    consume: Callable[..., Awaitable[BatchConsumer[Transfer]]],
    kafka_topics: Any,
) -> None:
    topic = await kafka_topics("batch")
    handled: list[int] = []
    calls_with_poison = 0

    async def handle(batch: list[Transfer]) -> None:
        nonlocal calls_with_poison
        if 13 in amounts(batch):
            calls_with_poison += 1
            raise TimeoutError("the database times out on this one")
        handled.extend(amounts(batch))

    async with TopicReader(
        platform_settings.kafka_bootstrap_servers, dead_letter_topic(topic)
    ) as dead:
        await produce(broker, topic, [1, 2, 13, 4, 5])
        await consume(topic, handle)
        await wait_until(lambda: 5 in handled, message="the records after the poison handled")
        letters = await dead.up_to_marker()
    assert handled == [1, 2, 4, 5], "the good records of the batch are handled, in order"
    assert [letter.envelope["data"]["amount"] for letter in letters] == [13]
    headers = letters[0].header_map
    assert headers["x-dlq-error-type"] == "TimeoutError"
    assert "times out" in headers["x-dlq-reason"]
    assert headers["x-dlq-attempts"] == str(FAST_RETRIES.max_attempts)
    assert calls_with_poison == 1 + FAST_RETRIES.max_attempts, "the batch once, then it alone"

    await produce(broker, topic, [6])
    await wait_until(lambda: 6 in handled, message="the partition goes on after the poison")


async def test_a_permanent_error_is_dead_lettered_after_one_attempt(
    platform_settings: PlatformSettings,
    broker: KafkaBroker,
    consume: Callable[..., Awaitable[BatchConsumer[Transfer]]],
    kafka_topics: Any,
) -> None:
    topic = await kafka_topics("batch")
    handled: list[int] = []

    async def handle(batch: list[Transfer]) -> None:
        if 666 in amounts(batch):
            raise PermanentError("recipient blocked for good")
        handled.extend(amounts(batch))

    async with TopicReader(
        platform_settings.kafka_bootstrap_servers, dead_letter_topic(topic)
    ) as dead:
        await produce(broker, topic, [666, 7])
        await consume(topic, handle)
        await wait_until(lambda: handled == [7], message="the record after it handled")
        [letter] = await dead.wait_for()
    assert letter.header_map["x-dlq-attempts"] == "1"
    assert "recipient blocked" in letter.header_map["x-dlq-reason"]


async def test_a_batch_failing_for_a_moment_is_retried_and_nothing_is_dead_lettered(
    platform_settings: PlatformSettings,
    broker: KafkaBroker,
    consume: Callable[..., Awaitable[BatchConsumer[Transfer]]],
    kafka_topics: Any,
) -> None:
    topic = await kafka_topics("batch")
    handled: list[int] = []
    failures = 0

    async def handle(batch: list[Transfer]) -> None:
        nonlocal failures
        if failures < 2:  # the batch, then the first record alone: then the database is back
            failures += 1
            raise ConnectionError("database restarting")
        handled.extend(amounts(batch))

    async with TopicReader(
        platform_settings.kafka_bootstrap_servers, dead_letter_topic(topic)
    ) as dead:
        await produce(broker, topic, [1, 2, 3])
        await consume(topic, handle)
        await wait_until(lambda: handled == [1, 2, 3], message="every record handled")
        assert await dead.up_to_marker() == [], "a record that succeeds on retry is kept"


async def test_a_dead_letter_that_cannot_be_published_yet_is_retried_until_it_is(
    platform_settings: PlatformSettings,
    consume: Callable[..., Awaitable[BatchConsumer[Transfer]]],
    kafka_topics: Any,
    unique_group: str,
) -> None:
    topic = await kafka_topics("batch")
    bootstrap = platform_settings.kafka_bootstrap_servers
    producer = create_broker(platform_settings, client_id="batch-test-producer")
    await producer.start()
    # The consumer's broker is not started: its dead letters fail until it is.
    late = create_broker(platform_settings, client_id="batch-test-late")
    handled: list[int] = []

    async def handle(batch: list[Transfer]) -> None:
        handled.extend(amounts(batch))

    try:
        async with TopicReader(bootstrap, dead_letter_topic(topic)) as dead:
            await produce(producer, topic, [b"garbage", 8])
            with capture_logs() as logs:
                await consume(topic, handle, on_broker=late)
                await wait_until(
                    lambda: any(log["event"] == "dead-lettering failed, retrying" for log in logs),
                    message="a failed dead letter",
                )
            assert handled == [], "the batch waits for its dead letter"
            assert not await group_caught_up(bootstrap, unique_group, topic), "nothing committed"
            await late.start()
            [letter] = await dead.wait_for()
            await wait_until(lambda: handled == [8], message="the batch handled once dead-lettered")
            await wait_until(
                lambda: group_caught_up(bootstrap, unique_group, topic),
                message="the batch committed",
            )
        assert letter.value == b"garbage"
    finally:
        await stop_broker(late)
        await stop_broker(producer)


async def test_a_lone_record_refused_for_good_is_handled_once_not_twice(
    platform_settings: PlatformSettings,
    broker: KafkaBroker,
    consume: Callable[..., Awaitable[BatchConsumer[Transfer]]],
    kafka_topics: Any,
) -> None:
    """A batch of one record is that record's first attempt: a PermanentError dead-letters
    it without calling the handler again (a media copier asked Meta twice)."""
    topic = await kafka_topics("batch")
    calls: list[list[int]] = []

    async def handle(batch: list[Transfer]) -> None:
        calls.append(amounts(batch))
        raise PermanentError("refused for good")

    async with TopicReader(
        platform_settings.kafka_bootstrap_servers, dead_letter_topic(topic)
    ) as dead:
        await produce(broker, topic, [13])
        await consume(topic, handle)
        [letter] = await dead.wait_for()
    assert letter.header_map["x-dlq-attempts"] == "1"
    assert calls == [[13]], "the handler ran once"
