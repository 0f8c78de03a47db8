"""Fixtures of the SMS tests: a fake Twilio, and our webhooks on real Kafka and a real port.

The webhook routes run in a small app of their own (the service's ``main.py`` is not
needed to test them), built with ``create_router`` around a ``TwilioWebhooks`` the way
the sender wires it: a started broker, an account look-up, the topics of the test.
"""

from __future__ import annotations

import contextlib
import json
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from faststream.kafka import KafkaBroker

from mia_common.errors import install_problem_handlers
from mia_common.messaging import create_broker, stop_broker
from mia_common.settings import PlatformSettings
from mia_common.testing.kafka import read_topic as read_until
from mia_common.testing.kafka import read_up_to_marker
from mia_sender.accounts.credentials import SmsAccountCredentials
from mia_sender.providers.twilio import TwilioProvider
from mia_sender.sms.endpoints import create_router
from mia_sender.sms.service import SmsTopics, TwilioWebhooks

# ``support`` lives in services/sender/tests; make it importable whatever the rootdir.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support.fake_twilio import FakeAccount, FakeTwilio, running_fake_twilio, serve_app

TopicFactory = Callable[..., Awaitable[str]]
ServeWebhooks = Callable[..., contextlib.AbstractAsyncContextManager[str]]


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


@pytest.fixture
async def sms_topics(kafka_topics: TopicFactory) -> dict[str, str]:
    """The topics of this test."""
    return {
        "status": await kafka_topics("test.sms.status"),
        "inbound": await kafka_topics("test.sms.inbound"),
    }


@pytest.fixture
def serve_webhooks(
    broker: KafkaBroker, sms_accounts: SmsAccounts, sms_topics: dict[str, str]
) -> ServeWebhooks:
    """``async with serve_webhooks(public_url=...) as url``: the routes on a real port."""

    @contextlib.asynccontextmanager
    async def serve(*, public_url: str | None = None) -> AsyncIterator[str]:
        webhooks = TwilioWebhooks(
            broker=broker,
            lookup=sms_accounts.lookup,
            topics=SmsTopics(status=sms_topics["status"], inbound=sms_topics["inbound"]),
            public_url=public_url,
        )
        app = FastAPI()
        install_problem_handlers(app)
        app.include_router(create_router(webhooks))
        async with serve_app(app) as url:
            yield url

    return serve


@pytest.fixture
async def webhook_url(serve_webhooks: ServeWebhooks) -> AsyncIterator[str]:
    async with serve_webhooks() as url:
        yield url


@pytest.fixture
def read_topic(kafka_bootstrap: str) -> Callable[..., Awaitable[list[Published]]]:
    async def read(topic: str, *, expected: int, raw: bool = False) -> list[Published]:
        """Every record of ``topic`` once ``expected`` arrived, up to a marker produced
        then: what is not among them had not been published (a test's "nothing more")."""

        def decode(value: bytes | None) -> Any:
            return value if raw else json.loads(value or b"null")

        if expected:
            await read_until(
                kafka_bootstrap,
                topic,
                until=lambda records: len(records) >= expected,
                message=f"{expected} record(s) on {topic}",
            )
        records = await read_up_to_marker(kafka_bootstrap, topic)
        return [Published(record.key, decode(record.value)) for record in records]

    return read
