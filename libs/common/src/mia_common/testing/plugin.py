"""pytest fixtures on the real Kafka, PostgreSQL and Redis that ``make test`` started.

Tests never touch the databases or topics of a running ``make up``: each test session
gets a fresh database per package (migrations applied), each test a transaction rolled
back at the end (``db_session``), topics with unique names (``kafka_topics``) and readers
of topics stopped after the test (``topic_reader``).
A package chooses its migrations by overriding the ``alembic_script_location`` fixture.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from mia_common.contracts.topics import Topic
from mia_common.db.engine import create_engine
from mia_common.db.migrations import upgrade
from mia_common.messaging.admin import delete_topics, ensure_topics
from mia_common.settings import Environment, PlatformSettings
from mia_common.testing.kafka import Start, TopicReader
from mia_common.testing.postgres import fresh_database

TopicFactory = Callable[..., Awaitable[str]]
TopicReaderFactory = Callable[..., Awaitable[TopicReader]]


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _require(name: str, host: str, port: int) -> None:
    if not _reachable(host, port):
        pytest.fail(
            f"{name} is not running on {host}:{port}. `make test` starts it; by hand run "
            "`deploy/local/infra.sh up`.",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def platform_settings() -> PlatformSettings:
    settings = PlatformSettings(environment=Environment.TEST)
    host, _, port = settings.kafka_bootstrap_servers.split(",")[0].rpartition(":")
    _require("Kafka", host, int(port))
    _require("PostgreSQL", settings.postgres_host, settings.postgres_port)
    redis = urlsplit(settings.redis_url)
    _require("Redis", redis.hostname or "127.0.0.1", redis.port or 6379)
    return settings


@pytest.fixture(scope="session")
def alembic_script_location() -> Path | None:
    """Override in a package's conftest to migrate the test database with its migrations."""
    return None


def _test_database_name() -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"test_{worker}_{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
async def test_database_url(
    platform_settings: PlatformSettings, alembic_script_location: Path | None
) -> AsyncIterator[str]:
    """A fresh database for this test session, migrated to head, dropped at the end."""
    async with fresh_database(platform_settings, _test_database_name()) as url:
        if alembic_script_location is not None:
            # Alembic's env runs its own event loop; give it a thread of its own.
            await asyncio.to_thread(upgrade, alembic_script_location, url)
        yield url


@pytest.fixture(scope="session")
async def db_engine(test_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(test_database_url, pool_size=5)
    yield engine
    await engine.dispose()


@pytest.fixture
async def db_session(db_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session inside a transaction that is rolled back after the test.

    Code under test may commit: with ``create_savepoint`` its commits release savepoints
    of the outer transaction, which still rolls everything back.
    """
    async with db_engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(
            bind=connection,
            expire_on_commit=False,
            join_transaction_mode="create_savepoint",
        )
        try:
            yield session
        finally:
            await session.close()
            await transaction.rollback()


@pytest.fixture
async def committing_sessions(
    db_engine: AsyncEngine,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions that really commit (for tests across processes); tables emptied after."""
    yield async_sessionmaker(db_engine, expire_on_commit=False)
    async with db_engine.begin() as connection:
        tables = (
            await connection.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
        ).scalars()
        names = ", ".join(f'"{name}"' for name in tables)
        if names:
            await connection.execute(text(f"TRUNCATE {names} CASCADE"))


@pytest.fixture
def kafka_bootstrap(platform_settings: PlatformSettings) -> str:
    return platform_settings.kafka_bootstrap_servers


@pytest.fixture
async def kafka_topics(kafka_bootstrap: str) -> AsyncIterator[TopicFactory]:
    """``await kafka_topics(partitions=1)`` makes a unique topic (and its DLQ) for this test."""
    created: list[str] = []

    async def make(prefix: str = "test", *, partitions: int = 1) -> str:
        name = f"{prefix}.{uuid.uuid4().hex[:10]}.v1"
        topic = Topic(name, partitions, key="test")
        await ensure_topics(kafka_bootstrap, [topic])
        created.extend([topic.name, topic.dead_letter])
        return name

    yield make
    if created:
        await delete_topics(kafka_bootstrap, created)


@pytest.fixture
async def topic_reader(kafka_bootstrap: str) -> AsyncIterator[TopicReaderFactory]:
    """``await topic_reader(topic, start="end")``: a running ``TopicReader`` on the test
    broker, stopped after the test."""
    async with AsyncExitStack() as readers:

        async def make(topic: str, *, start: Start = "beginning") -> TopicReader:
            return await readers.enter_async_context(
                TopicReader(kafka_bootstrap, topic, start=start)
            )

        yield make


@pytest.fixture
async def redis_client(platform_settings: PlatformSettings) -> AsyncIterator[Redis]:
    client = Redis.from_url(platform_settings.redis_url)
    yield client
    await client.aclose()


@pytest.fixture
def unique_group() -> str:
    return f"test-group-{uuid.uuid4().hex[:10]}"
