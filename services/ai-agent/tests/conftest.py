"""ai-agent test fixtures: the real app on a fresh database, with Kafka topics of its own."""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from mia_ai_agent.config import AiAgentSettings
from mia_ai_agent.main import create_app
from mia_common.contracts.topics import Topic
from mia_common.messaging.admin import delete_topics, ensure_topics
from mia_common.settings import PlatformSettings
from mia_common.testing.lifespan import running
from mia_fake_openai.testing import FakeOpenAIHandle, running_fake_openai

SERVICE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))

from support.crm_boards import CrmBoards  # noqa: E402


@pytest.fixture(scope="session")
def alembic_script_location() -> Path:
    return SERVICE_DIR / "migrations"


@pytest.fixture(scope="session")
def ai_topics() -> dict[str, Topic]:
    run = uuid.uuid4().hex[:8]
    return {
        "inbox_topic": Topic(f"test.{run}.inbox.events.v1", 3, key="conversation"),
        "ai_topic": Topic(f"test.{run}.ai.events.v1", 3, key="conversation"),
    }


@pytest.fixture(scope="session")
async def crm_boards(platform_settings: PlatformSettings) -> AsyncIterator[CrmBoards]:
    """The crm's boards, as lead progression asks for them."""
    boards = CrmBoards(platform_settings.identity_token_secret.get_secret_value())
    await boards.start()
    yield boards
    await boards.stop()


@pytest.fixture(scope="session")
async def ai_settings(
    platform_settings: PlatformSettings,
    test_database_url: str,
    ai_topics: dict[str, Topic],
    crm_boards: CrmBoards,
) -> AsyncIterator[AiAgentSettings]:
    await ensure_topics(platform_settings.kafka_bootstrap_servers, ai_topics.values())
    yield AiAgentSettings(
        **{
            **platform_settings.model_dump(),
            "database_url_override": test_database_url,
            "consumer_group": f"test-ai-agent-{uuid.uuid4().hex[:8]}",
            "tick_seconds": 0.1,
            "crm_url": crm_boards.url,
            "lead_debounce_seconds": 0.2,
            **{field: topic.name for field, topic in ai_topics.items()},
        }
    )
    await delete_topics(
        platform_settings.kafka_bootstrap_servers,
        [name for topic in ai_topics.values() for name in (topic.name, topic.dead_letter)],
    )


@pytest.fixture(scope="session")
async def ai_app(ai_settings: AiAgentSettings) -> AsyncIterator[FastAPI]:
    app = create_app(ai_settings)
    async with running(app):
        yield app


@pytest.fixture
async def client(ai_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=ai_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ai-agent.test") as http:
        yield http


@pytest.fixture(scope="session")
async def fake_openai() -> AsyncIterator[FakeOpenAIHandle]:
    """The tenants' model endpoint: each test scripts it under an API key of its own."""
    async with running_fake_openai() as fake:
        yield fake
