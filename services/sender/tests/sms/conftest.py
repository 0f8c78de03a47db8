"""Fixtures of the SMS tests: a fake Twilio, and our webhooks on real Kafka and a real port.

The webhooks router runs in a small app of its own (the service's ``main.py`` is not
needed to test it) whose context holds what the router reads: a started broker and the
extras (account look-up, topics, public URL).
"""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from fastapi import FastAPI
from faststream.kafka import KafkaBroker

from mia_common.errors import install_problem_handlers
from mia_common.messaging import create_broker, stop_broker
from mia_common.settings import PlatformSettings
from mia_sender.accounts.credentials import SmsAccountCredentials
from mia_sender.providers.twilio import TwilioProvider
from mia_sender.sms.webhooks import router

# ``support`` lives in services/sender/tests; make it importable whatever the rootdir.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support.fake_twilio import FakeAccount, FakeTwilio, running_fake_twilio, serve_app

TopicFactory = Callable[..., Awaitable[str]]


@dataclass
class WebhookContext:
    """The two things of ``app.state.context`` the router uses."""

    broker: KafkaBroker
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass
class SmsAccounts:
    """The accounts our look-up knows, registered from fake Twilio accounts."""

    known: dict[uuid.UUID, SmsAccountCredentials] = field(default_factory=dict)

    def register(self, twilio: FakeAccount, *, status: str = "active") -> SmsAccountCredentials:
        account = SmsAccountCredentials(
            tenant_id=uuid.uuid4(),
            account_id=uuid.uuid4(),
            auth_token=twilio.auth_token,
            from_number=min(twilio.numbers) if twilio.numbers else None,
            status=status,
        )
        self.known[account.account_id] = account
        return account

    async def lookup(self, account_id: uuid.UUID) -> SmsAccountCredentials | None:
        return self.known.get(account_id)


@dataclass(frozen=True)
class Published:
    key: bytes | None
    event: Any
    """The decoded envelope; the raw bytes for topics read with ``raw=True`` (DLQs)."""


@pytest.fixture
async def fake_twilio() -> AsyncIterator[FakeTwilio]:
    async with running_fake_twilio() as fake:
        yield fake


@pytest.fixture
async def provider(fake_twilio: FakeTwilio) -> AsyncIterator[TwilioProvider]:
    client = TwilioProvider(base_url=fake_twilio.url, timeout=5.0)
    yield client
    await client.aclose()


@pytest.fixture(scope="session")
async def broker(platform_settings: PlatformSettings) -> AsyncIterator[KafkaBroker]:
    kafka = create_broker(platform_settings, client_id="test-sender-sms")
    await kafka.start()
    yield kafka
    await stop_broker(kafka)


@pytest.fixture(scope="session")
def sms_accounts() -> SmsAccounts:
    return SmsAccounts()


@pytest.fixture(scope="session")
def webhook_app(broker: KafkaBroker, sms_accounts: SmsAccounts) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(router)
    app.state.context = WebhookContext(
        broker=broker, extras={"sms_account_lookup": sms_accounts.lookup}
    )
    return app


@pytest.fixture(scope="session")
async def webhook_url(webhook_app: FastAPI) -> AsyncIterator[str]:
    async with serve_app(webhook_app) as url:
        yield url


@pytest.fixture
async def sms_topics(
    kafka_topics: TopicFactory, webhook_app: FastAPI
) -> AsyncIterator[dict[str, str]]:
    """Topics of this test, set in the router's extras; extras restored afterwards."""
    extras: dict[str, Any] = webhook_app.state.context.extras
    before = dict(extras)
    topics = {
        "status": await kafka_topics("test.sms.status"),
        "inbound": await kafka_topics("test.sms.inbound"),
    }
    extras["sms_topics"] = topics
    yield topics
    extras.clear()
    extras.update(before)


@pytest.fixture
def read_topic(kafka_bootstrap: str) -> Callable[..., Awaitable[list[Published]]]:
    async def read(
        topic: str, *, expected: int, within: float = 15, raw: bool = False
    ) -> list[Published]:
        """The events of ``topic``, read from the start until ``expected`` arrived or the
        deadline passed, plus one last look, so a test can also prove none more came."""

        def decode(value: bytes) -> Any:
            return value if raw else json.loads(value)

        consumer = AIOKafkaConsumer(
            topic, bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest"
        )
        await consumer.start()
        found: list[Published] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        try:
            # Expecting nothing means watching the whole window: absence takes time to show.
            while loop.time() < deadline and (expected == 0 or len(found) < expected):
                for part in (await consumer.getmany(timeout_ms=200)).values():
                    found.extend(Published(r.key, decode(r.value)) for r in part)
            # Anything more already in the topic would arrive in this last look.
            for part in (await consumer.getmany(timeout_ms=500)).values():
                found.extend(Published(r.key, decode(r.value)) for r in part)
        finally:
            await consumer.stop()
        return found

    return read
