"""A record whose handler fails because our own servers are away is never dead-lettered.

Dead-lettering after a few attempts is right for a bad record, wrong for a good one that
met a database outage: it would drop a customer's message. Both consume paths (the
per-record middleware and the batch consumer) retry those failures until the server is
back, while a bad record still goes to the dead-letter topic after its attempts.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from faststream.kafka import KafkaBroker
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError

from mia_common.messaging import (
    BatchConsumer,
    RetryPolicy,
    create_broker,
    stop_broker,
    subscriber_options,
)
from mia_common.settings import PlatformSettings
from mia_common.testing import wait_until

FAST = RetryPolicy(max_attempts=2, initial_backoff=0.01, max_backoff=0.05)
# Far more failures than attempts: only an outage-aware policy gets through them.
OUTAGE_FAILURES = 8


class Note(BaseModel):
    text: str


def database_away() -> OperationalError:
    return OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


class FlakyHandler:
    """Fails like a handler whose database is down, ``OUTAGE_FAILURES`` times; a note
    called 'bad' fails for a reason of its own, every time."""

    def __init__(self) -> None:
        self.failures = 0
        self.handled: list[str] = []

    def __call__(self, note: Note) -> None:
        if note.text == "bad":
            raise RuntimeError("this note cannot be handled")
        if self.failures < OUTAGE_FAILURES:
            self.failures += 1
            raise database_away()
        self.handled.append(note.text)


@pytest.fixture
async def broker(platform_settings: PlatformSettings, kafka_topics) -> AsyncIterator[KafkaBroker]:
    # Depends on kafka_topics so that it stops (and commits) before the topics are deleted.
    broker = create_broker(platform_settings, client_id="outage", retry_policy=FAST)
    yield broker
    await stop_broker(broker)


async def test_a_subscriber_waits_out_an_outage_and_still_dead_letters_a_bad_record(
    broker: KafkaBroker, kafka_topics, topic_reader
) -> None:
    topic = await kafka_topics("outage")
    flaky = FlakyHandler()

    @broker.subscriber(topic, **subscriber_options(f"outage-{uuid.uuid4().hex[:8]}"))
    async def on_note(note: Note) -> None:
        flaky(note)

    await broker.start()
    await broker.publish(Note(text="bad"), topic=topic, key=b"k")
    await broker.publish(Note(text="kept"), topic=topic, key=b"k")

    await wait_until(lambda: flaky.handled == ["kept"], message="the note handled after the outage")
    dead = await (await topic_reader(f"{topic}.dlq")).up_to_marker()
    assert [record.envelope["text"] for record in dead] == ["bad"]


async def test_the_batch_consumer_waits_out_an_outage_too(
    broker: KafkaBroker, platform_settings: PlatformSettings, kafka_topics, topic_reader
) -> None:
    topic = await kafka_topics("outage-batch")
    flaky = FlakyHandler()

    async def handle(notes: list[Note]) -> None:
        for note in notes:
            flaky(note)

    consumer = BatchConsumer(
        settings=platform_settings,
        broker=broker,
        topic=topic,
        group_id=f"outage-batch-{uuid.uuid4().hex[:8]}",
        model=Note,
        handle=handle,
        retry_policy=FAST,
    )
    await broker.start()
    await consumer.start()
    try:
        await broker.publish(Note(text="bad"), topic=topic, key=b"k")
        await broker.publish(Note(text="kept"), topic=topic, key=b"k")
        await wait_until(
            lambda: flaky.handled == ["kept"], message="the note handled after the outage"
        )
    finally:
        await consumer.stop()
    dead = await (await topic_reader(f"{topic}.dlq")).up_to_marker()
    assert [record.envelope["text"] for record in dead] == ["bad"]
