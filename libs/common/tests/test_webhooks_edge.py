"""The webhook edge on real Kafka and Redis: parse → normalize → envelope → dedupe → publish,
and what cannot be used dead-lettered raw with its reason."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import pytest
from faststream.kafka import KafkaBroker
from pydantic import BaseModel
from redis.asyncio import Redis

from mia_common.contracts import Envelope
from mia_common.contracts.topics import dead_letter_topic
from mia_common.errors import AppError
from mia_common.messaging import create_broker, stop_broker
from mia_common.settings import PlatformSettings
from mia_common.testing.kafka import read_topic, read_up_to_marker
from mia_common.webhooks import (
    HAS_MEDIA_HEADER,
    Deduplicator,
    EdgeEvent,
    Normalized,
    PayloadTooLarge,
    WebhookEdge,
    check_body_size,
    encode_envelope,
)

TopicFactory = Callable[..., Awaitable[str]]
TENANT = uuid.UUID("00000000-0000-4000-8000-0000000000aa")


class Ping(BaseModel):
    """A provider's payload and our event, both at once, for the tests."""

    ids: list[str]
    sent_at: datetime = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def events_of(topic: str, *, dedupe: bool = True) -> Callable[[Ping], Normalized]:
    def normalize(ping: Ping) -> Normalized:
        events = [
            EdgeEvent(
                topic=topic,
                type="tests.ping.v1",
                id=uuid.uuid5(uuid.NAMESPACE_URL, item),
                tenant_id=TENANT,
                subject=item,
                data=Ping(ids=[item]),
                key=item.encode(),
                dedupe_key=f"ping:{item}" if dedupe else None,
                headers={HAS_MEDIA_HEADER: "0"},
            )
            for item in ping.ids
            if not item.startswith("bad")
        ]
        problems = [f"item {item}: refused" for item in ping.ids if item.startswith("bad")]
        return Normalized(events=events, problems=problems)

    return normalize


@pytest.fixture(scope="module")
async def broker(platform_settings: PlatformSettings) -> AsyncIterator[KafkaBroker]:
    kafka = create_broker(platform_settings, client_id="test-webhook-edge")
    await kafka.start()
    yield kafka
    await stop_broker(kafka)


@pytest.fixture
def edge(broker: KafkaBroker, redis_client: Redis) -> WebhookEdge:
    return WebhookEdge(
        broker=broker,
        source="/tests/edge",
        dead_letter_source="test-webhook",
        deduplicator=Deduplicator(
            redis_client, ttl_seconds=60, prefix=f"test:edge:{uuid.uuid4().hex}"
        ),
    )


async def test_events_are_published_in_envelopes_with_their_keys_and_headers(
    edge: WebhookEdge, kafka_topics: TopicFactory, kafka_bootstrap: str
) -> None:
    topic = await kafka_topics("test.edge")
    raw = b'{"ids": ["a1", "a2"]}'

    accepted = await edge.accept(
        raw,
        parse=Ping.model_validate_json,
        normalize=events_of(topic),
        unparseable="unreadable ping",
        dead_letter_topic=topic,
    )

    assert (accepted.published, accepted.duplicates, accepted.dead_lettered) == (2, 0, False)
    records = await read_up_to_marker(kafka_bootstrap, topic)
    assert sorted(record.key or b"" for record in records) == [b"a1", b"a2"]
    first = next(record for record in records if record.key == b"a1")
    envelope = Envelope[Ping].model_validate_json(first.value or b"")
    assert envelope.id == uuid.uuid5(uuid.NAMESPACE_URL, "a1")
    assert (envelope.type, envelope.source, envelope.tenantid) == (
        "tests.ping.v1",
        "/tests/edge",
        TENANT,
    )
    assert envelope.subject == "a1"
    assert envelope.data == Ping(ids=["a1"])
    assert first.header("content-type") == "application/json"
    assert first.header(HAS_MEDIA_HEADER) == "0"


async def test_a_body_that_does_not_parse_is_dead_lettered_raw_and_nothing_is_published(
    edge: WebhookEdge, kafka_topics: TopicFactory, kafka_bootstrap: str
) -> None:
    topic = await kafka_topics("test.edge")
    raw = b'{"ids": "not a list"'

    accepted = await edge.accept(
        raw,
        parse=Ping.model_validate_json,
        normalize=events_of(topic),
        unparseable="unreadable ping",
        dead_letter_topic=topic,
        dead_letter_key=b"account-1",
    )

    assert accepted.dead_lettered
    assert await read_up_to_marker(kafka_bootstrap, topic) == []
    [dead] = await read_up_to_marker(kafka_bootstrap, dead_letter_topic(topic))
    assert dead.value == raw
    assert dead.key == b"account-1"
    assert (dead.header("x-dlq-reason") or "").startswith("unreadable ping: ")
    assert dead.header("x-dlq-source") == "test-webhook"
    assert dead.header("x-dlq-failed-at") is not None


async def test_items_that_cannot_become_events_are_dead_lettered_once_and_the_rest_published(
    edge: WebhookEdge, kafka_topics: TopicFactory, kafka_bootstrap: str
) -> None:
    topic = await kafka_topics("test.edge")
    raw = b'{"ids": ["ok1", "bad1", "bad2"]}'

    accepted = await edge.accept(
        raw,
        parse=Ping.model_validate_json,
        normalize=events_of(topic),
        unparseable="unreadable ping",
        dead_letter_topic=topic,
    )

    assert (accepted.published, accepted.dead_lettered) == (1, True)
    assert [r.key for r in await read_up_to_marker(kafka_bootstrap, topic)] == [b"ok1"]
    [dead] = await read_up_to_marker(kafka_bootstrap, dead_letter_topic(topic))
    assert dead.value == raw
    assert dead.header("x-dlq-reason") == "item bad1: refused; item bad2: refused"


async def test_a_retried_delivery_publishes_only_what_was_not_published_yet(
    edge: WebhookEdge, kafka_topics: TopicFactory, kafka_bootstrap: str
) -> None:
    topic = await kafka_topics("test.edge")

    async def deliver(raw: bytes) -> tuple[int, int]:
        accepted = await edge.accept(
            raw,
            parse=Ping.model_validate_json,
            normalize=events_of(topic),
            unparseable="unreadable ping",
            dead_letter_topic=topic,
        )
        return accepted.published, accepted.duplicates

    assert await deliver(b'{"ids": ["r1"]}') == (1, 0)
    assert await deliver(b'{"ids": ["r1"]}') == (0, 1)
    assert await deliver(b'{"ids": ["r1", "r2"]}') == (1, 1)
    keys = [record.key for record in await read_up_to_marker(kafka_bootstrap, topic)]
    assert sorted(keys) == [b"r1", b"r2"]


async def test_events_without_a_dedupe_key_are_published_every_time(
    edge: WebhookEdge, kafka_topics: TopicFactory, kafka_bootstrap: str
) -> None:
    topic = await kafka_topics("test.edge")
    for _ in range(2):
        await edge.accept(
            b'{"ids": ["n1"]}',
            parse=Ping.model_validate_json,
            normalize=events_of(topic, dedupe=False),
            unparseable="unreadable ping",
            dead_letter_topic=topic,
        )
    records = await read_topic(kafka_bootstrap, topic, until=lambda found: len(found) >= 2)
    assert len({record.value for record in records}) == 2, "same id, two publishes"
    assert len({Envelope[Ping].model_validate_json(r.value or b"").id for r in records}) == 1


async def test_a_publish_that_kafka_refuses_is_not_marked_seen(
    broker: KafkaBroker, redis_client: Redis, kafka_topics: TopicFactory, kafka_bootstrap: str
) -> None:
    """Marked only after Kafka acknowledged: a failed publish is published on the retry."""
    topic = await kafka_topics("test.edge")
    dedupe = Deduplicator(redis_client, ttl_seconds=60, prefix=f"test:edge:{uuid.uuid4().hex}")
    edge = WebhookEdge(
        broker=broker, source="/tests/edge", dead_letter_source="t", deduplicator=dedupe
    )

    def too_big(ping: Ping) -> Normalized:
        normalized = events_of(topic)(ping)
        # Over the broker's message.max.bytes: Kafka refuses the record.
        huge = Ping(ids=["x" * 2_000_000])
        return Normalized(
            events=[
                dataclasses.replace(event, data=huge, dedupe_key="ping:big")
                for event in normalized.events
            ]
        )

    with pytest.raises(Exception):  # noqa: B017, PT011 - whatever the producer raises
        await edge.accept(
            b'{"ids": ["big"]}',
            parse=Ping.model_validate_json,
            normalize=too_big,
            unparseable="unreadable ping",
            dead_letter_topic=topic,
        )
    assert await dedupe.unseen(["ping:big"]) == [True]


def test_the_envelope_is_the_one_envelope_dumps() -> None:
    event_id = uuid.uuid4()
    moment = datetime(2026, 5, 1, 12, 0, 1, 250000, tzinfo=UTC)
    data = Ping(ids=["é", "€"])
    encoded = encode_envelope(
        id=event_id,
        type="tests.ping.v1",
        source="/tests",
        time=moment,
        tenant_id=TENANT,
        subject=None,
        data=data,
    )
    model = Envelope[Ping](
        id=event_id, type="tests.ping.v1", source="/tests", time=moment, tenantid=TENANT, data=data
    )
    assert Envelope[Ping].model_validate_json(encoded) == model
    assert encoded == model.model_dump_json().encode(), "byte for byte"


def test_a_body_over_the_limit_is_refused_with_413() -> None:
    check_body_size(b"x" * 10, 10)
    with pytest.raises(PayloadTooLarge) as refused:
        check_body_size(b"x" * 11, 10)
    assert isinstance(refused.value, AppError)
    assert refused.value.status_code == 413
