"""meta-ingest's migrations create exactly what its models describe (no drift either way)."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

import mia_meta_ingest.models  # noqa: F401  (registers every meta-ingest table)
from mia_common.db import Base

# Shared tables of mia_common that meta-ingest does not have (it publishes straight to
# Kafka: no outbox).
_NOT_HERE = {"outbox_events"}


def _ours(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    table = obj if type_ == "table" else getattr(obj, "table", None)
    return getattr(table, "name", name) not in _NOT_HERE


async def test_the_migrated_database_matches_the_models(db_engine: AsyncEngine) -> None:
    def differences(connection):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": _ours}
        )
        return compare_metadata(context, Base.metadata)

    async with db_engine.connect() as connection:
        diff = await connection.run_sync(differences)

    assert diff == []
