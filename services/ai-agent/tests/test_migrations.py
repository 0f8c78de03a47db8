"""The ai-agent migrations create exactly what its models describe (no drift either way)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

import mia_ai_agent.models  # noqa: F401  (registers every ai-agent table)
from mia_common.db import Base


async def test_the_migrated_database_matches_the_models(db_engine: AsyncEngine) -> None:
    def differences(connection):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with db_engine.connect() as connection:
        diff = await connection.run_sync(differences)

    assert diff == []
