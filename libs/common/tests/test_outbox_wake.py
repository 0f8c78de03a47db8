"""The outbox relay publishes what a unit of work committed at once, as the bytes it stored."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from mia_common.contracts import Envelope
from mia_common.db import create_session_factory, unit_of_work
from mia_common.db.engine import OUTBOX_RELAY_INFO
from mia_common.messaging import create_broker, stop_broker
from mia_common.outbox import OutboxRelay, StagedEvent, add_events
from mia_common.settings import PlatformSettings
from mia_common.testing import read_topic
from support.transfers import TransferMade

# Far longer than the test's deadline: an event seen in time was woken, not polled.
IDLE_POLL_SECONDS = 120.0


@pytest.fixture
async def woken_relay(
    platform_settings: PlatformSettings,
    db_engine: AsyncEngine,
    committing_sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session factory whose units of work wake a relay that otherwise polls rarely."""
    broker = create_broker(platform_settings, client_id="wake-test")
    await broker.start()
    sessions = create_session_factory(db_engine)
    relay = OutboxRelay(session_factory=sessions, broker=broker, poll_interval=IDLE_POLL_SECONDS)
    sessions.kw["info"] = {OUTBOX_RELAY_INFO: relay}
    # Its first pass finds nothing; from then on it waits for a wake (or the long poll).
    assert await relay.publish_pending() == 0
    relay.start()
    yield sessions
    await relay.stop()
    await stop_broker(broker)


async def test_committed_events_leave_at_once_in_order_as_stored(
    woken_relay: async_sessionmaker[AsyncSession], kafka_topics, kafka_bootstrap: str
) -> None:
    topic = await kafka_topics("wake")
    account = uuid.uuid4()
    events = [
        Envelope[TransferMade](
            type="test.transfer.made",
            source="tests",
            tenantid=uuid.uuid4(),
            data=TransferMade(account_id=account, amount=amount),
        )
        for amount in (5, 7, 11)
    ]

    async with unit_of_work(woken_relay) as session:
        await add_events(session, [StagedEvent(topic, str(account), event) for event in events])

    records = await read_topic(
        kafka_bootstrap, topic, until=lambda found: len(found) >= 3, timeout=15.0
    )
    assert [record.envelope for record in records] == [event.to_json_dict() for event in events]
