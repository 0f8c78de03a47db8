"""Gateway test fixtures: the real app on a fresh database, and tenants full of users."""

from __future__ import annotations

import secrets
import sys
from collections.abc import AsyncIterator
from contextlib import suppress
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from mia_common.contracts.topics import Topic
from mia_common.messaging.admin import delete_topics, ensure_topics
from mia_common.settings import PlatformSettings
from mia_common.testing.lifespan import running
from mia_gateway.config import GatewaySettings
from mia_gateway.main import create_app

SERVICE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))

from support.actors import Actors  # noqa: E402
from support.topics import CONTACTS, LIVE_TOPICS, SESSION_TOPICS  # noqa: E402


@pytest.fixture(scope="session")
def alembic_script_location() -> Path:
    return SERVICE_DIR / "migrations"


@pytest.fixture(scope="session")
def gateway_settings(
    platform_settings: PlatformSettings, test_database_url: str
) -> GatewaySettings:
    return GatewaySettings(
        **{
            **platform_settings.model_dump(),
            "database_url_override": test_database_url,
            "admin_email": "platform-admin@example.com",
            "admin_password": "first-run-Password-1",
            "log_json": True,
            "live_topics": LIVE_TOPICS,
            "contacts_topic": CONTACTS,
        }
    )


@pytest.fixture(scope="session")
async def gateway_app(gateway_settings: GatewaySettings) -> AsyncIterator[FastAPI]:
    await ensure_topics(
        gateway_settings.kafka_bootstrap_servers, [Topic(CONTACTS, 3, key="contact")]
    )
    app = create_app(gateway_settings)
    async with running(app):
        yield app
    # The topics were made for this session (the gateway creates its live topics).
    with suppress(Exception):
        await delete_topics(
            gateway_settings.kafka_bootstrap_servers,
            [*SESSION_TOPICS, *(f"{topic}.dlq" for topic in SESSION_TOPICS)],
        )


@pytest.fixture
async def client(gateway_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    # A client address of its own per test: the per-address login throttle of one test
    # must not spill into the next. (A label in the ASGI scope; nothing is sent there.)
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    transport = httpx.ASGITransport(app=gateway_app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        yield http


@pytest.fixture
def actors(gateway_app: FastAPI, client: httpx.AsyncClient) -> Actors:
    return Actors(gateway_app, client)
