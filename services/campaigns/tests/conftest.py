"""campaigns test fixtures: the real app on a fresh database, with Kafka topics of its own."""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from mia_campaigns.config import CampaignsSettings
from mia_campaigns.main import create_app
from mia_common.contracts.topics import Topic
from mia_common.messaging.admin import delete_topics, ensure_topics
from mia_common.settings import PlatformSettings
from mia_common.testing import group_stable, wait_until
from mia_common.testing.lifespan import running

SERVICE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))

from support.fake_crm import FakeCrm  # noqa: E402
from support.fake_sender import FakeSender, FakeSenderApi  # noqa: E402
from support.world import World  # noqa: E402


@pytest.fixture(scope="session")
def alembic_script_location() -> Path:
    return SERVICE_DIR / "migrations"


@pytest.fixture(scope="session")
async def fake_crm(platform_settings: PlatformSettings) -> AsyncIterator[FakeCrm]:
    crm = FakeCrm(platform_settings.identity_token_secret.get_secret_value())
    await crm.start()
    yield crm
    await crm.stop()


@pytest.fixture(scope="session")
async def fake_sender_api(
    platform_settings: PlatformSettings, fake_crm: FakeCrm
) -> AsyncIterator[FakeSenderApi]:
    # The limits tests set on the crm stand-in are the ones this sender answers with.
    api = FakeSenderApi(
        platform_settings.identity_token_secret.get_secret_value(), limits=fake_crm.limits
    )
    await api.start()
    yield api
    await api.stop()


@pytest.fixture(scope="session")
async def campaigns_settings(
    platform_settings: PlatformSettings,
    test_database_url: str,
    fake_crm: FakeCrm,
    fake_sender_api: FakeSenderApi,
) -> AsyncIterator[CampaignsSettings]:
    run = uuid.uuid4().hex[:8]
    topics = {
        "send_topic": Topic(f"test.{run}.messages.send.v1", 3, key="account"),
        "outcome_topic": Topic(f"test.{run}.messages.outcome.v1", 3, key="account"),
        "status_topic": Topic(f"test.{run}.messages.status.v1", 3, key="account"),
        "inbound_topic": Topic(f"test.{run}.messages.inbound.v1", 3, key="account"),
        "contacts_topic": Topic(f"test.{run}.contacts.events.v1", 3, key="contact"),
        "templates_topic": Topic(f"test.{run}.templates.events.v1", 3, key="template id"),
        "leads_topic": Topic(f"test.{run}.leads.events.v1", 3, key="lead"),
        "campaigns_topic": Topic(f"test.{run}.campaigns.events.v1", 3, key="campaign"),
    }
    await ensure_topics(platform_settings.kafka_bootstrap_servers, topics.values())
    yield CampaignsSettings(
        **{
            **platform_settings.model_dump(),
            "database_url_override": test_database_url,
            "consumer_group": f"test-campaigns-{run}",
            "crm_url": fake_crm.url,
            "sender_url": fake_sender_api.url,
            "fan_out_tick_seconds": 0.1,
            "cadence_tick_seconds": 0.1,
            "cadence_retry_seconds": 0.2,
            **{field: topic.name for field, topic in topics.items()},
        }
    )
    await delete_topics(
        platform_settings.kafka_bootstrap_servers,
        [name for topic in topics.values() for name in (topic.name, topic.dead_letter)],
    )


@pytest.fixture(scope="session")
async def campaigns_app(campaigns_settings: CampaignsSettings) -> AsyncIterator[FastAPI]:
    app = create_app(campaigns_settings)
    async with running(app):
        # Tests publish right away: wait for the consumers to hold their partitions.
        group = campaigns_settings.consumer_group
        bootstrap = campaigns_settings.kafka_bootstrap_servers
        for name in ("outcomes", "statuses", "inbound", "contacts", "templates", "leads"):
            await wait_until(
                partial(group_stable, bootstrap, f"{group}.{name}"),
                timeout=60,
                message=f"consumer group {group}.{name} joined",
            )
        yield app


@pytest.fixture(scope="session")
async def fake_sender(
    campaigns_settings: CampaignsSettings, fake_sender_api: FakeSenderApi
) -> AsyncIterator[FakeSender]:
    sender = FakeSender(
        campaigns_settings.kafka_bootstrap_servers,
        send_topic=campaigns_settings.send_topic,
        outcome_topic=campaigns_settings.outcome_topic,
        api=fake_sender_api,
    )
    await sender.start()
    yield sender
    await sender.stop()


@pytest.fixture
async def world(
    campaigns_app: FastAPI,
    campaigns_settings: CampaignsSettings,
    client: httpx.AsyncClient,
    fake_crm: FakeCrm,
    fake_sender: FakeSender,
) -> World:
    return World(
        app=campaigns_app,
        settings=campaigns_settings,
        client=client,
        crm=fake_crm,
        sender=fake_sender,
    )


@pytest.fixture
async def client(campaigns_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=campaigns_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://campaigns.test") as http:
        yield http
