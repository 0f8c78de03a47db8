"""The one way tests reach PostgreSQL as its administrator: to create and drop databases.

Every test run, end-to-end stack and process test works in databases of its own on the
local server; these open the server's ``postgres`` database as the services' role (which
may create databases) and make sure what a run creates is dropped again.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from mia_common.settings import PlatformSettings

__all__ = ["admin_connection", "fresh_database"]

# Names go into CREATE/DROP DATABASE, which take no parameters: only plain identifiers.
_DATABASE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@asynccontextmanager
async def admin_connection(settings: PlatformSettings) -> AsyncIterator[asyncpg.Connection]:
    """A connection to the server's ``postgres`` database, closed at the end of the block."""
    connection = await asyncpg.connect(
        host=settings.postgres_host,
        port=settings.postgres_port,
        user=settings.postgres_user,
        password=settings.postgres_password.get_secret_value(),
        database="postgres",
    )
    try:
        yield connection
    finally:
        await connection.close()


@asynccontextmanager
async def fresh_database(settings: PlatformSettings, name: str) -> AsyncIterator[str]:
    """Creates the empty database ``name`` and yields its SQLAlchemy URL; drops it at the
    end of the block, however the block ends and whoever is still connected."""
    if not _DATABASE_NAME.fullmatch(name):
        raise ValueError(f"not a plain database name (a-z, 0-9, _): {name!r}")
    async with admin_connection(settings) as admin:
        await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield settings.database_url(name)
    finally:
        await _drop_database(settings, name)


async def _drop_database(settings: PlatformSettings, name: str, deadline: float = 60.0) -> None:
    """``DROP ... WITH (FORCE)`` ends the sessions of our role, but an autovacuum worker
    (the server's own) may not be ended by it: the drop is refused until the worker is
    done with the database, seconds after a large load. So it is asked again until then."""
    give_up = time.monotonic() + deadline
    while True:
        try:
            async with admin_connection(settings) as admin:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except asyncpg.InsufficientPrivilegeError:
            if time.monotonic() > give_up:
                raise
            await asyncio.sleep(0.5)
