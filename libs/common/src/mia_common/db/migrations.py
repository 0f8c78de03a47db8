"""Alembic, wired the same way for every service.

A service's ``migrations/env.py`` is two lines: import its models, then
``run_migrations(Base.metadata)``. The URL comes from ``sqlalchemy.url`` when a caller set
it (tests, ``upgrade``) and from the service's settings otherwise.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

__all__ = ["alembic_config", "run_migrations", "upgrade"]


def alembic_config(script_location: Path, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(script_location: Path, url: str, revision: str = "head") -> None:
    """Apply the migrations in ``script_location`` to the database at ``url``."""
    command.upgrade(alembic_config(script_location, url), revision)


def _run_sync(connection: Connection, metadata: MetaData) -> None:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str, metadata: MetaData) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_run_sync, metadata)
    await engine.dispose()


def run_migrations(metadata: MetaData) -> None:
    """Body of a service's ``env.py`` (online mode only: we always have a database)."""
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("sqlalchemy.url is not set for this migration run")
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(_run_async(url, metadata))
        return
    raise RuntimeError("run migrations outside an event loop (use a thread)")
