"""meta-ingest test fixtures: the real app on a fresh database and topics of its own."""

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
from mia_meta_ingest.config import MetaIngestSettings
from mia_meta_ingest.main import create_app
from mia_meta_sandbox.testing import SandboxHandle, running_sandbox

SERVICE_DIR = Path(__file__).resolve().parents[1]
# The platform's own Meta app (MIA_META_INGEST_APP_SECRET), configured in the tests' app.
PLATFORM_APP_SECRET = "test-platform-app-secret"
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def alembic_script_location() -> Path:
    return SERVICE_DIR / "migrations"


@pytest.fixture(scope="session")
async def sandbox() -> AsyncIterator[SandboxHandle]:
    """The Meta sandbox as the Graph API: inbound media is downloaded from it."""
    async with running_sandbox() as handle:
        yield handle


@pytest.fixture(scope="session")
async def ingest_settings(
    platform_settings: PlatformSettings,
    test_database_url: str,
    sandbox: SandboxHandle,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[MetaIngestSettings]:
    run = uuid.uuid4().hex[:8]
    topics = {
        "inbound_topic": Topic(f"test.{run}.messages.inbound.v1", 3, key="conversation"),
        "status_topic": Topic(f"test.{run}.messages.status.v1", 3, key="conversation"),
        "templates_topic": Topic(f"test.{run}.templates.events.v1", 1, key="template"),
        "channels_topic": Topic(f"test.{run}.channels.state.v1", 1, key="account", compacted=True),
        "contacts_topic": Topic(f"test.{run}.contacts.events.v1", 3, key="contact"),
    }
    await ensure_topics(platform_settings.kafka_bootstrap_servers, topics.values())
    yield MetaIngestSettings(
        **{
            **platform_settings.model_dump(),
            "database_url_override": test_database_url,
            "verify_token": "test-verify-token",
            "app_secret": PLATFORM_APP_SECRET,
            "meta_graph_url": sandbox.url,
            "media_dir": tmp_path_factory.mktemp("media"),
            **{field: topic.name for field, topic in topics.items()},
        }
    )
    await delete_topics(
        platform_settings.kafka_bootstrap_servers,
        [name for topic in topics.values() for name in (topic.name, topic.dead_letter)],
    )


@pytest.fixture(scope="session")
async def ingest_app(ingest_settings: MetaIngestSettings) -> AsyncIterator[FastAPI]:
    app = create_app(ingest_settings)
    async with running(app):
        yield app


@pytest.fixture
async def client(ingest_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=ingest_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ingest.test") as http:
        yield http
