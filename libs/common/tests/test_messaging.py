"""Consumers on the real broker: retries, dead letters, and idempotent handling."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_common.contracts import Envelope, dead_letter_topic
from mia_common.db import unit_of_work
from mia_common.messaging import (
    OutgoingRecord,
    PermanentError,
    RetryPolicy,
    create_broker,
    publish_many,
    stop_broker,
    subscriber_options,
)
from mia_common.settings import PlatformSettings
from mia_common.testing import (
    TopicRecord,
    group_caught_up,
    read_topic,
    read_up_to_marker,
    wait_until,
)
from support.models import Account
from support.transfers import TransferMade, apply_transfer

FAST_RETRIES = RetryPolicy(max_attempts=3, initial_backoff=0.05, max_backoff=0.2)


def transfer_event(account_id: uuid.UUID, tenant: uuid.UUID, amount: int) -> Envelope[TransferMade]:
    return Envelope[TransferMade](
        type="test.transfer.made.v1",
        source="/tests",
        tenantid=tenant,
        data=TransferMade(account_id=account_id, amount=amount),
    )


async def read_dead_letters(bootstrap: str, topic: str, count: int) -> list[TopicRecord]:
    """The first ``count`` records of ``topic``'s dead-letter topic, failing after a deadline."""
    return await read_topic(
        bootstrap,
        dead_letter_topic(topic),
        until=lambda records: len(records) >= count,
        message=f"{count} dead letters",
    )


@pytest.fixture
async def started() -> AsyncIterator[list]:
    """Brokers registered here are stopped after the test."""
    brokers: list = []
    yield brokers
    for broker in brokers:
        await stop_broker(broker)


async def test_malformed_event_is_dead_lettered_with_reason_and_consumer_keeps_going(
    platform_settings: PlatformSettings, kafka_topics, unique_group: str, started: list
) -> None:
    topic = await kafka_topics("inbound")
    handled: list[int] = []
    broker = create_broker(platform_settings, client_id="dlq-test", retry_policy=FAST_RETRIES)

    @broker.subscriber(topic, **subscriber_options(unique_group))
    async def on_transfer(event: Envelope[TransferMade]) -> None:
        handled.append(event.data.amount)

    await broker.start()
    started.append(broker)
    good = transfer_event(uuid.uuid4(), uuid.uuid4(), 7)
    await publish_many(
        broker,
        [
            OutgoingRecord(topic, b'{"not": "an envelope"}', key=b"k1"),
            OutgoingRecord(topic, b"\xff\xfe definitely not json", key=b"k2"),
            OutgoingRecord(topic, good.to_json_dict(), key=b"k3"),
        ],
    )

    await wait_until(lambda: handled == [7], message="the valid event handled")
    dead = await read_dead_letters(platform_settings.kafka_bootstrap_servers, topic, 2)
    assert sorted(record.key for record in dead) == [b"k1", b"k2"]
    first = next(record for record in dead if record.key == b"k1")
    assert first.value == b'{"not": "an envelope"}', "the original payload is kept byte for byte"
    headers = first.header_map
    assert headers["x-dlq-error-type"] == "ValidationError"
    assert "event" in headers["x-dlq-reason"]
    assert headers["x-dlq-original-topic"] == topic
    assert headers["x-dlq-attempts"] == "1", "a payload that cannot validate is not retried"


async def test_transient_failure_is_retried_with_backoff_until_it_succeeds(
    platform_settings: PlatformSettings, kafka_topics, unique_group: str, started: list
) -> None:
    topic = await kafka_topics("send")
    attempts: list[int] = []
    broker = create_broker(platform_settings, client_id="retry-test", retry_policy=FAST_RETRIES)

    @broker.subscriber(topic, **subscriber_options(unique_group))
    async def on_event(event: Envelope[TransferMade]) -> None:
        attempts.append(event.data.amount)
        if len(attempts) < 3:
            raise ConnectionError("provider hiccup")

    await broker.start()
    started.append(broker)
    await broker.publish(transfer_event(uuid.uuid4(), uuid.uuid4(), 1).to_json_dict(), topic)
    await wait_until(lambda: len(attempts) == 3, message="three attempts")
    # Its offset is committed once its handling is over, dead letter included, if any.
    bootstrap = platform_settings.kafka_bootstrap_servers
    await wait_until(
        lambda: group_caught_up(bootstrap, unique_group, topic), message="the event committed"
    )

    # Nothing was dead-lettered: the DLQ holds nothing up to a marker produced now.
    assert await read_up_to_marker(bootstrap, dead_letter_topic(topic)) == []


async def test_handler_that_keeps_failing_is_dead_lettered_after_max_attempts(
    platform_settings: PlatformSettings, kafka_topics, unique_group: str, started: list
) -> None:
    topic = await kafka_topics("send")
    handled: list[int] = []
    broker = create_broker(platform_settings, client_id="retry-test", retry_policy=FAST_RETRIES)

    @broker.subscriber(topic, **subscriber_options(unique_group))
    async def on_event(event: Envelope[TransferMade]) -> None:
        if event.data.amount == 13:
            raise TimeoutError("provider down")
        if event.data.amount == 666:
            raise PermanentError("recipient blocked for good")
        handled.append(event.data.amount)

    await broker.start()
    started.append(broker)
    for amount in (13, 666, 2):
        await broker.publish(
            transfer_event(uuid.uuid4(), uuid.uuid4(), amount).to_json_dict(), topic, key=b"one"
        )
    await wait_until(lambda: handled == [2], message="the event after the failures handled")
    dead = await read_dead_letters(platform_settings.kafka_bootstrap_servers, topic, 2)
    by_amount = {r.data["amount"]: r.header_map for r in dead}
    assert by_amount[13]["x-dlq-attempts"] == "3"
    assert by_amount[13]["x-dlq-error-type"] == "TimeoutError"
    assert by_amount[666]["x-dlq-attempts"] == "1"
    assert "recipient blocked" in by_amount[666]["x-dlq-reason"]


async def test_event_delivered_twice_changes_state_once(
    platform_settings: PlatformSettings,
    committing_sessions: async_sessionmaker[AsyncSession],
    kafka_topics,
    unique_group: str,
    started: list,
) -> None:
    topic = await kafka_topics("transfers")
    tenant = uuid.uuid4()
    async with unit_of_work(committing_sessions) as session:
        account = Account(tenant_id=tenant, name="main", balance=100)
        session.add(account)
    applied: list[bool] = []
    broker = create_broker(platform_settings, client_id="idempotency-test")

    @broker.subscriber(topic, **subscriber_options(unique_group))
    async def on_transfer(event: Envelope[TransferMade]) -> None:
        async with unit_of_work(committing_sessions) as session:
            applied.append(await apply_transfer(session, event))

    await broker.start()
    started.append(broker)
    event = transfer_event(account.id, tenant, 40)
    await broker.publish(event.to_json_dict(), topic, key=b"a")
    await broker.publish(event.to_json_dict(), topic, key=b"a")  # a redelivery

    await wait_until(lambda: len(applied) == 2, message="both deliveries handled")
    assert applied == [True, False]
    async with committing_sessions() as session:
        assert await session.scalar(select(Account.balance).where(Account.id == account.id)) == 140


async def test_failed_handler_rolls_back_its_claim_so_the_retry_applies_the_event(
    platform_settings: PlatformSettings,
    committing_sessions: async_sessionmaker[AsyncSession],
    kafka_topics,
    unique_group: str,
    started: list,
) -> None:
    topic = await kafka_topics("transfers")
    tenant = uuid.uuid4()
    async with unit_of_work(committing_sessions) as session:
        account = Account(tenant_id=tenant, name="main", balance=0)
        session.add(account)
    calls: list[bool] = []
    broker = create_broker(platform_settings, client_id="idem-retry", retry_policy=FAST_RETRIES)

    @broker.subscriber(topic, **subscriber_options(unique_group))
    async def on_transfer(event: Envelope[TransferMade]) -> None:
        async with unit_of_work(committing_sessions) as session:
            calls.append(await apply_transfer(session, event))
            if len(calls) == 1:
                raise ConnectionError("crashed after claiming, before commit")

    await broker.start()
    started.append(broker)
    await broker.publish(transfer_event(account.id, tenant, 9).to_json_dict(), topic)
    await wait_until(lambda: len(calls) == 2, message="the retry")
    assert calls == [True, True], "the first claim rolled back with the failed transaction"
    async with committing_sessions() as session:
        assert await session.scalar(select(Account.balance).where(Account.id == account.id)) == 9


async def test_clean_restart_resumes_after_the_last_handled_record(
    platform_settings: PlatformSettings, kafka_topics, unique_group: str
) -> None:
    topic = await kafka_topics("send")
    first_run: list[int] = []
    broker = create_broker(platform_settings, client_id="commit-test")

    @broker.subscriber(topic, **subscriber_options(unique_group))
    async def first(event: Envelope[TransferMade]) -> None:
        first_run.append(event.data.amount)

    await broker.start()
    for amount in range(5):
        await broker.publish(
            transfer_event(uuid.uuid4(), uuid.uuid4(), amount).to_json_dict(), topic
        )
    await wait_until(lambda: len(first_run) == 5, message="five records handled")
    await stop_broker(broker)

    second_run: list[int] = []
    broker = create_broker(platform_settings, client_id="commit-test")

    @broker.subscriber(topic, **subscriber_options(unique_group))
    async def second(event: Envelope[TransferMade]) -> None:
        second_run.append(event.data.amount)

    await broker.start()
    try:
        await broker.publish(transfer_event(uuid.uuid4(), uuid.uuid4(), 99).to_json_dict(), topic)
        await wait_until(lambda: 99 in second_run, message="the new record handled")
    finally:
        await stop_broker(broker)
    assert second_run == [99], "records handled before the restart are not delivered again"
