"""The outbox survives a relay crash at each stage, and consumers apply events once."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from faststream.kafka import KafkaBroker
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_common.contracts import Envelope
from mia_common.db import unit_of_work
from mia_common.messaging import create_broker, stop_broker, subscriber_options
from mia_common.outbox import OutboxEvent, RelayStage
from mia_common.settings import PlatformSettings
from mia_common.testing import wait_until
from support.models import Account
from support.relay_process import CRASH_EXIT_CODE
from support.transfers import TransferMade, apply_transfer, record_transfer

RELAY_SCRIPT = Path(__file__).parent / "support" / "relay_process.py"


async def run_relay(database_url: str, bootstrap: str, crash_at: RelayStage | None) -> int:
    args = [sys.executable, str(RELAY_SCRIPT), database_url, bootstrap]
    if crash_at is not None:
        args.append(crash_at.value)
    env = {**os.environ, "PYTHONPATH": str(RELAY_SCRIPT.parent.parent)}
    process = await asyncio.create_subprocess_exec(*args, env=env)
    return await asyncio.wait_for(process.wait(), 60)


class Ledger:
    """A consumer of transfer events that credits accounts idempotently."""

    def __init__(self) -> None:
        self.deliveries: list[uuid.UUID] = []


@pytest.fixture
async def ledger_consumer(
    platform_settings: PlatformSettings,
    committing_sessions: async_sessionmaker[AsyncSession],
    kafka_topics,
    unique_group: str,
) -> AsyncIterator[tuple[str, Ledger]]:
    topic = await kafka_topics("transfers")
    ledger = Ledger()
    broker: KafkaBroker = create_broker(platform_settings, client_id="ledger")

    @broker.subscriber(topic, **subscriber_options(unique_group))
    async def on_transfer(event: Envelope[TransferMade]) -> None:
        async with unit_of_work(committing_sessions) as session:
            await apply_transfer(session, event)
        ledger.deliveries.append(event.id)

    await broker.start()
    yield topic, ledger
    await stop_broker(broker)


async def open_account(sessions: async_sessionmaker[AsyncSession], tenant: uuid.UUID) -> uuid.UUID:
    async with unit_of_work(sessions) as session:
        account = Account(tenant_id=tenant, name="main", balance=0)
        session.add(account)
    return account.id


async def balance(sessions: async_sessionmaker[AsyncSession], account_id: uuid.UUID) -> int:
    async with sessions() as session:
        return (await session.scalar(select(Account.balance).where(Account.id == account_id))) or 0


async def pending_outbox(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return (
            await session.scalar(
                select(func.count())
                .select_from(OutboxEvent)
                .where(OutboxEvent.published_at.is_(None))
            )
            or 0
        )


@pytest.mark.parametrize(
    ("crash_at", "expected_deliveries"),
    [
        # Died before publishing: the row is still pending, the restart publishes it once.
        (RelayStage.CLAIMED, 1),
        # Died after the broker had it but before marking: the restart publishes it again
        # with the same event id, and the consumer applies it once.
        (RelayStage.PUBLISHED, 2),
    ],
)
async def test_event_survives_relay_crash_and_is_applied_exactly_once(
    crash_at: RelayStage,
    expected_deliveries: int,
    ledger_consumer: tuple[str, Ledger],
    committing_sessions: async_sessionmaker[AsyncSession],
    test_database_url: str,
    kafka_bootstrap: str,
) -> None:
    topic, ledger = ledger_consumer
    tenant = uuid.uuid4()
    account_id = await open_account(committing_sessions, tenant)
    async with unit_of_work(committing_sessions) as session:
        event = await record_transfer(
            session, tenant_id=tenant, account_id=account_id, amount=25, topic=topic
        )

    assert await run_relay(test_database_url, kafka_bootstrap, crash_at) == CRASH_EXIT_CODE
    assert await pending_outbox(committing_sessions) == 1, "a crashed pass must not mark the row"

    assert await run_relay(test_database_url, kafka_bootstrap, None) == 0
    assert await pending_outbox(committing_sessions) == 0

    await wait_until(
        lambda: len(ledger.deliveries) >= expected_deliveries,
        message=f"{expected_deliveries} deliveries of the event",
    )
    assert set(ledger.deliveries) == {event.id}
    assert await balance(committing_sessions, account_id) == 25


async def test_rolled_back_business_change_publishes_nothing(
    committing_sessions: async_sessionmaker[AsyncSession], kafka_topics
) -> None:
    topic = await kafka_topics("transfers")

    class Boom(Exception):
        pass

    async def write_then_fail() -> None:
        async with unit_of_work(committing_sessions) as session:
            await record_transfer(
                session, tenant_id=uuid.uuid4(), account_id=uuid.uuid4(), amount=1, topic=topic
            )
            raise Boom

    with pytest.raises(Boom):
        await write_then_fail()

    assert await pending_outbox(committing_sessions) == 0


async def test_relay_publishes_events_of_one_key_in_write_order(
    platform_settings: PlatformSettings,
    committing_sessions: async_sessionmaker[AsyncSession],
    kafka_topics,
    unique_group: str,
) -> None:
    from mia_common.outbox import OutboxRelay

    topic = await kafka_topics("transfers", partitions=3)
    tenant, account_id = uuid.uuid4(), uuid.uuid4()
    for amount in range(1, 21):
        async with unit_of_work(committing_sessions) as session:
            await record_transfer(
                session, tenant_id=tenant, account_id=account_id, amount=amount, topic=topic
            )
    seen: list[int] = []
    broker = create_broker(platform_settings, client_id="order-check")

    @broker.subscriber(topic, **subscriber_options(unique_group))
    async def on_transfer(event: Envelope[TransferMade]) -> None:
        seen.append(event.data.amount)

    relay = OutboxRelay(session_factory=committing_sessions, broker=broker, batch_size=7)
    await broker.start()
    try:
        while await relay.publish_pending():
            pass
        await wait_until(lambda: len(seen) >= 20, message="all 20 transfers consumed")
    finally:
        await stop_broker(broker)
    assert seen == list(range(1, 21))


async def test_a_graceful_stop_lets_the_pass_in_progress_publish_and_mark(
    platform_settings: PlatformSettings,
    committing_sessions: async_sessionmaker[AsyncSession],
    kafka_topics,
) -> None:
    # A stop that cancelled the pass between publishing and marking left the rows to be
    # published again by the next relay: a copy every consumer reads, at every deploy.
    from mia_common.outbox import OutboxRelay

    topic = await kafka_topics("transfers")
    tenant, account_id = uuid.uuid4(), uuid.uuid4()
    async with unit_of_work(committing_sessions) as session:
        await record_transfer(
            session, tenant_id=tenant, account_id=account_id, amount=9, topic=topic
        )
    broker = create_broker(platform_settings, client_id="graceful-stop")
    await broker.start()
    stopping: list[asyncio.Task[None]] = []

    def stop_when_claimed(stage: RelayStage) -> None:
        if stage is RelayStage.CLAIMED and not stopping:
            stopping.append(asyncio.get_running_loop().create_task(relay.stop()))

    relay = OutboxRelay(
        session_factory=committing_sessions, broker=broker, on_stage=stop_when_claimed
    )
    try:
        relay.start()
        await wait_until(lambda: stopping, message="the relay claimed the row")
        await asyncio.wait_for(stopping[0], timeout=15)
    finally:
        await stop_broker(broker)

    assert await pending_outbox(committing_sessions) == 0, "published and marked once"
