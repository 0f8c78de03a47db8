"""crm test fixtures: the real app on a fresh database, with Kafka topics of its own."""

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
from mia_common.testing.lifespan import running
from mia_crm.config import CrmSettings
from mia_crm.main import create_app

SERVICE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))

from support.gateway import StandInGateway  # noqa: E402
from support.world import World  # noqa: E402


@pytest.fixture(scope="session")
def alembic_script_location() -> Path:
    return SERVICE_DIR / "migrations"


@pytest.fixture(scope="session")
async def gateway(platform_settings: PlatformSettings) -> AsyncIterator[StandInGateway]:
    """The gateway's user directory, as the crm asks it before assigning a conversation."""
    stand_in = StandInGateway(secret=platform_settings.identity_token_secret)
    await stand_in.start()
    yield stand_in
    await stand_in.stop()


@pytest.fixture(scope="session")
async def crm_settings(
    platform_settings: PlatformSettings, test_database_url: str, gateway: StandInGateway
) -> AsyncIterator[CrmSettings]:
    run = uuid.uuid4().hex[:8]
    topics = {
        "inbound_topic": Topic(f"test.{run}.messages.inbound.v1", 3, key="conversation"),
        "status_topic": Topic(f"test.{run}.messages.status.v1", 3, key="conversation"),
        "outcome_topic": Topic(f"test.{run}.messages.outcome.v1", 3, key="account"),
        "send_topic": Topic(f"test.{run}.messages.send.v1", 3, key="account"),
        "inbox_topic": Topic(f"test.{run}.inbox.events.v1", 3, key="conversation"),
        "contacts_topic": Topic(f"test.{run}.contacts.events.v1", 3, key="contact"),
        "leads_topic": Topic(f"test.{run}.leads.events.v1", 3, key="lead"),
        "ai_topic": Topic(f"test.{run}.ai.events.v1", 3, key="conversation"),
    }
    await ensure_topics(platform_settings.kafka_bootstrap_servers, topics.values())
    yield CrmSettings(
        **{
            **platform_settings.model_dump(),
            "database_url_override": test_database_url,
            "consumer_group": f"test-crm-{run}",
            "gateway_url": gateway.url,
            # Short, so the test of a gateway that does not answer is short too.
            "gateway_timeout_seconds": 1.0,
            **{field: topic.name for field, topic in topics.items()},
        }
    )
    await delete_topics(
        platform_settings.kafka_bootstrap_servers,
        [name for topic in topics.values() for name in (topic.name, topic.dead_letter)],
    )


@pytest.fixture(scope="session")
async def crm_app(crm_settings: CrmSettings) -> AsyncIterator[FastAPI]:
    app = create_app(crm_settings)
    async with running(app):
        yield app


@pytest.fixture
async def client(crm_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=crm_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://crm.test") as http:
        yield http


@pytest.fixture
def world(
    crm_app: FastAPI,
    crm_settings: CrmSettings,
    client: httpx.AsyncClient,
    gateway: StandInGateway,
) -> World:
    """A fresh tenant with one channel account, and the means to make things happen in it."""
    return World(crm_app, crm_settings, client, gateway)
