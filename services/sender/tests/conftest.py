"""sender test fixtures: the real app on a fresh database, topics of its own, and the Meta
sandbox as the Graph API.

One app runs for the whole session, with settings shortened for tests (retry backoffs,
the reconcile window, tier 250 shrunk to 5 customers). Every test makes its own accounts
(their own sandbox numbers, tenants, portfolios), so tests never see each other's sends.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from mia_common.contracts.topics import Topic
from mia_common.messaging.admin import delete_topics, ensure_topics
from mia_common.settings import PlatformSettings
from mia_common.testing.kafka import TopicReader
from mia_common.testing.lifespan import running
from mia_meta_sandbox.config import SandboxSettings
from mia_meta_sandbox.testing import SandboxHandle, running_sandbox
from mia_sender.config import SenderSettings
from mia_sender.main import create_app

SERVICE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))

from support.fake_twilio import FakeTwilio, running_fake_twilio  # noqa: E402
from support.world import World  # noqa: E402

# Short enough for tests to watch each step, long enough not to race the dispatcher.
RECONCILE_WINDOW_SECONDS = 4.0
SMALL_TIER = 5
TEMPLATES_PAGE_SIZE = 5
TEMPLATES_DEADLINE_SECONDS = 1.0
TEMPLATE_REVIEW_SECONDS = 2.0


@pytest.fixture(scope="session")
def alembic_script_location() -> Path:
    return SERVICE_DIR / "migrations"


@pytest.fixture(scope="session")
async def sandbox() -> AsyncIterator[SandboxHandle]:
    # No status webhooks: the tests publish the statuses meta-ingest would. A submitted
    # template stays PENDING for TEMPLATE_REVIEW_SECONDS: long enough to be seen pending.
    settings = SandboxSettings(
        verify_webhook_on_start=False,
        status_delays="",
        template_review_delay_seconds=TEMPLATE_REVIEW_SECONDS,
    )
    async with running_sandbox(settings) as handle:
        yield handle


@pytest.fixture(scope="session")
async def twilio() -> AsyncIterator[FakeTwilio]:
    async with running_fake_twilio() as fake:
        yield fake


@pytest.fixture(scope="session")
async def sender_topics(platform_settings: PlatformSettings) -> AsyncIterator[dict[str, str]]:
    run = uuid.uuid4().hex[:8]
    topics = {
        "send_topic": Topic(f"test.{run}.messages.send.v1", 3, key="account"),
        "outcome_topic": Topic(f"test.{run}.messages.outcome.v1", 3, key="account"),
        "status_topic": Topic(f"test.{run}.messages.status.v1", 3, key="conversation"),
        "inbound_topic": Topic(f"test.{run}.messages.inbound.v1", 3, key="conversation"),
        "channels_topic": Topic(f"test.{run}.channels.state.v1", 1, key="account", compacted=True),
        "alerts_topic": Topic(f"test.{run}.channels.alerts.v1", 1, key="account"),
        "contacts_topic": Topic(f"test.{run}.contacts.events.v1", 3, key="contact"),
    }
    await ensure_topics(platform_settings.kafka_bootstrap_servers, topics.values())
    yield {field: topic.name for field, topic in topics.items()}
    await delete_topics(
        platform_settings.kafka_bootstrap_servers,
        [name for topic in topics.values() for name in (topic.name, topic.dead_letter)],
    )


@pytest.fixture(scope="session")
def sender_settings(
    platform_settings: PlatformSettings,
    test_database_url: str,
    sandbox: SandboxHandle,
    twilio: FakeTwilio,
    sender_topics: dict[str, str],
) -> SenderSettings:
    return SenderSettings(
        **{
            **platform_settings.model_dump(),
            "database_url_override": test_database_url,
            "meta_graph_url": sandbox.url,
            "meta_graph_version": "v23.0",
            "twilio_url": twilio.url,
            # Nothing listens there: the fake Twilio's status callbacks are not under test.
            "public_url": "http://127.0.0.1:9",
            "redis_prefix": f"test:sender:{uuid.uuid4().hex[:8]}",
            "provider_timeout_seconds": 1.5,
            "retry_base_seconds": 0.05,
            "retry_max_seconds": 0.4,
            "max_attempts": 4,
            "pair_retry_seconds": 1.0,
            "reconcile_window_seconds": RECONCILE_WINDOW_SECONDS,
            "dispatcher_idle_seconds": 2.0,
            "lease_seconds": 5.0,
            "poll_seconds": 0.1,
            "tier_limits": {"250": SMALL_TIER},
            # The sandbox runs in the tests' own event loop, which stalls now and then: it
            # timestamps arrivals late and bunched. More headroom keeps its per-second
            # count an honest measure of our pacing rather than of its stalls.
            "pacing_headroom": 0.2,
            # The sandbox seeds 7 templates per WABA: two Graph pages per template list.
            "templates_page_size": TEMPLATES_PAGE_SIZE,
            "templates_deadline_seconds": TEMPLATES_DEADLINE_SECONDS,
            **sender_topics,
        }
    )


@pytest.fixture(scope="session")
async def sender_app(sender_settings: SenderSettings) -> AsyncIterator[FastAPI]:
    app = create_app(sender_settings)
    async with running(app):
        yield app


@pytest.fixture
async def client(sender_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=sender_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sender.test") as http:
        yield http


@pytest.fixture(scope="session")
async def outcomes(
    sender_settings: SenderSettings, sender_app: FastAPI
) -> AsyncIterator[TopicReader]:
    async with TopicReader(
        sender_settings.kafka_bootstrap_servers, sender_settings.outcome_topic
    ) as recorder:
        yield recorder


@pytest.fixture(scope="session")
async def alerts(
    sender_settings: SenderSettings, sender_app: FastAPI
) -> AsyncIterator[TopicReader]:
    async with TopicReader(
        sender_settings.kafka_bootstrap_servers, sender_settings.alerts_topic
    ) as recorder:
        yield recorder


@pytest.fixture(scope="session")
async def states(
    sender_settings: SenderSettings, sender_app: FastAPI
) -> AsyncIterator[TopicReader]:
    async with TopicReader(
        sender_settings.kafka_bootstrap_servers, sender_settings.channels_topic
    ) as recorder:
        yield recorder


@pytest.fixture
async def world(
    sender_app: FastAPI,
    client: httpx.AsyncClient,
    sandbox: SandboxHandle,
    sender_settings: SenderSettings,
    outcomes: TopicReader,
) -> World:
    return World(
        app=sender_app,
        client=client,
        sandbox=sandbox,
        settings=sender_settings,
        outcomes=outcomes,
    )
