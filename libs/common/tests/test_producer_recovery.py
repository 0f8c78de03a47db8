"""Publishing works again after a broker outage longer than the producer's timeout.

aiokafka's idempotent producer gives up on batches it could not send in time but keeps
their sequence numbers; once the broker is back, the next batch arrives with a gap and
the broker answers OutOfOrderSequenceNumber, which aiokafka treats as fatal: every later
publish of the process failed (meta-ingest answered 500 to every webhook until restarted).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest
from aiokafka.errors import KafkaConnectionError, OutOfOrderSequenceNumber

from mia_common.contracts.topics import Topic
from mia_common.messaging import OutgoingRecord, create_broker, publish_many, stop_broker
from mia_common.messaging.admin import ensure_topics
from mia_common.messaging.producer_health import note_publish_error, producer_is_broken
from mia_common.settings import PlatformSettings
from mia_common.testing import wait_until
from mia_common.testing.kafka import read_topic
from mia_common.testing.spare_kafka import SpareKafka

if TYPE_CHECKING:
    from faststream.kafka import KafkaBroker


@pytest.fixture
async def spare_kafka() -> AsyncIterator[SpareKafka]:
    kafka = SpareKafka()
    await kafka.start()
    yield kafka
    await kafka.stop()
    kafka.remove()


async def _publishes(broker: KafkaBroker, topic: str) -> bool:
    """One publish of b"after" went through within 5 s (a wait_until condition)."""
    try:
        async with asyncio.timeout(5):
            await publish_many(broker, [OutgoingRecord(topic, b"after", b"k")])
    except Exception:
        return False
    return True


async def test_publishing_recovers_after_an_outage_past_the_request_timeout(
    spare_kafka: SpareKafka,
) -> None:
    topic = f"recovery.{uuid.uuid4().hex[:8]}.v1"
    await ensure_topics(spare_kafka.bootstrap, [Topic(topic, 1, key="test")])
    settings = PlatformSettings(kafka_bootstrap_servers=spare_kafka.bootstrap)
    broker = create_broker(settings, client_id="recovery", request_timeout_ms=2_000)
    await broker.start()
    try:
        await publish_many(broker, [OutgoingRecord(topic, b"before", b"k")])
        await spare_kafka.stop()
        # Unsent while the broker is away: the caller gives up on them (a webhook would
        # answer 500 and Meta send it again).
        with contextlib.suppress(Exception):
            async with asyncio.timeout(8):
                await publish_many(broker, [OutgoingRecord(topic, b"lost", b"k")] * 3)
        await spare_kafka.start()

        await wait_until(
            lambda: _publishes(broker, topic),
            timeout=90,
            interval=1.0,
            message="a publish succeeding",
        )
    finally:
        await stop_broker(broker)
    records = await read_topic(
        spare_kafka.bootstrap,
        topic,
        until=lambda records: any(record.value == b"after" for record in records),
    )
    assert records[0].value == b"before"


async def test_a_replacement_made_while_the_broker_is_away_is_made_again_once_it_is_back(
    spare_kafka: SpareKafka,
) -> None:
    # The first publish after the outage may find the producer broken while the broker is
    # still unreachable: its replacement cannot connect, and the publishes after it must
    # try again rather than find no producer at all (the crm's relay stopped for good so).
    topic = f"recovery.{uuid.uuid4().hex[:8]}.v1"
    await ensure_topics(spare_kafka.bootstrap, [Topic(topic, 1, key="test")])
    settings = PlatformSettings(kafka_bootstrap_servers=spare_kafka.bootstrap)
    broker = create_broker(settings, client_id="recovery", request_timeout_ms=2_000)
    await broker.start()
    try:
        await publish_many(broker, [OutgoingRecord(topic, b"before", b"k")])
        await spare_kafka.stop()
        note_publish_error(broker, OutOfOrderSequenceNumber())
        with pytest.raises((KafkaConnectionError, TimeoutError)):
            async with asyncio.timeout(30):
                await publish_many(broker, [OutgoingRecord(topic, b"unsent", b"k")])
        assert producer_is_broken(broker), "a failed replacement must stay marked"
        await spare_kafka.start()

        await wait_until(
            lambda: _publishes(broker, topic),
            timeout=90,
            interval=1.0,
            message="a publish succeeding",
        )
        assert not producer_is_broken(broker)
    finally:
        await stop_broker(broker)
    records = await read_topic(
        spare_kafka.bootstrap,
        topic,
        until=lambda records: any(record.value == b"after" for record in records),
    )
    assert [record.value for record in records] == [b"before", b"after"]


async def test_a_producer_aiokafka_gave_up_on_is_replaced_on_the_next_publish(
    platform_settings: PlatformSettings, kafka_topics
) -> None:
    topic = await kafka_topics("recovery")
    broker = create_broker(platform_settings, client_id="recovery")
    await broker.start()
    try:
        await publish_many(broker, [OutgoingRecord(topic, b"before", b"k")])
        # The state aiokafka ends in after OutOfOrderSequenceNumber (its sender's
        # _fail_all): every send raises the error from then on.
        sender = broker.config.producer._producer.producer._sender  # type: ignore[attr-defined]
        sender._message_accumulator.fail_all(OutOfOrderSequenceNumber())
        assert producer_is_broken(broker)

        await publish_many(broker, [OutgoingRecord(topic, b"after", b"k")])

        assert not producer_is_broken(broker)
    finally:
        await stop_broker(broker)
    records = await read_topic(
        platform_settings.kafka_bootstrap_servers,
        topic,
        until=lambda records: len(records) >= 2,
    )
    assert [record.value for record in records] == [b"before", b"after"]


async def test_a_publish_failing_with_a_sequence_gap_gets_a_new_producer_for_the_next(
    platform_settings: PlatformSettings, kafka_topics
) -> None:
    topic = await kafka_topics("recovery")
    broker = create_broker(platform_settings, client_id="recovery")
    await broker.start()
    try:
        await publish_many(broker, [OutgoingRecord(topic, b"before", b"k")])
        first = broker.config.producer._producer.producer  # type: ignore[attr-defined]
        # What a batch of the partition answers once an expired batch left a gap: the
        # producer itself looks healthy, and would fail every later batch the same way.
        note_publish_error(broker, OutOfOrderSequenceNumber())

        await publish_many(broker, [OutgoingRecord(topic, b"after", b"k")])

        assert broker.config.producer._producer.producer is not first  # type: ignore[attr-defined]
        assert not producer_is_broken(broker)
    finally:
        await stop_broker(broker)
    records = await read_topic(
        platform_settings.kafka_bootstrap_servers, topic, until=lambda records: len(records) >= 2
    )
    assert [record.value for record in records] == [b"before", b"after"]
