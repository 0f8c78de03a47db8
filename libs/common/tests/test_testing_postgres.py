"""Databases of a run's own: created empty, dropped however the run ends."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from mia_common.settings import PlatformSettings
from mia_common.testing import admin_connection, fresh_database


def _name() -> str:
    return f"test_fresh_{uuid.uuid4().hex[:12]}"


async def _exists(settings: PlatformSettings, name: str) -> bool:
    async with admin_connection(settings) as admin:
        return bool(await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))


async def test_the_admin_connection_is_to_the_postgres_database_and_closed_after(
    platform_settings: PlatformSettings,
) -> None:
    async with admin_connection(platform_settings) as admin:
        assert await admin.fetchval("SELECT current_database()") == "postgres"
    assert admin.is_closed()


async def test_a_fresh_database_exists_inside_the_block_and_is_gone_after(
    platform_settings: PlatformSettings,
) -> None:
    name = _name()
    async with fresh_database(platform_settings, name) as url:
        assert url == platform_settings.database_url(name)
        assert await _exists(platform_settings, name)
    assert not await _exists(platform_settings, name)


async def test_a_fresh_database_is_dropped_with_connections_still_open_and_after_a_failure(
    platform_settings: PlatformSettings,
) -> None:
    name = _name()
    opened: list[asyncpg.Connection] = []

    async def failing_test() -> None:
        async with fresh_database(platform_settings, name) as url:
            opened.append(await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql")))
            raise RuntimeError("the test failed")

    with pytest.raises(RuntimeError, match="the test failed"):
        await failing_test()
    [left_open] = opened
    assert not await _exists(platform_settings, name)
    # WITH (FORCE): the connection left open was ended by the server, not waited for.
    with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError, OSError)):
        await left_open.fetchval("SELECT 1")
    left_open.terminate()


@pytest.mark.parametrize("name", ['x"; DROP DATABASE postgres; --', "Upper", "", "a-b"])
async def test_a_name_that_is_not_a_plain_identifier_is_refused(
    platform_settings: PlatformSettings, name: str
) -> None:
    with pytest.raises(ValueError, match="plain database name"):
        async with fresh_database(platform_settings, name):
            pass
