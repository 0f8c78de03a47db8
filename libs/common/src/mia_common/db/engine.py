"""The async engine, the session factory and the unit of work.

The request (or the Kafka message) is the transaction: ``unit_of_work`` commits when the
block ends normally and rolls back otherwise; services and repositories never commit.
Once a unit of work that staged outbox rows has committed, it wakes the process's outbox
relay, so the events leave at once rather than at the relay's next poll.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

__all__ = [
    "OUTBOX_RELAY_INFO",
    "OUTBOX_STAGED_INFO",
    "create_engine",
    "create_session_factory",
    "unit_of_work",
    "wake_relay_if_staged",
]

# Keys of ``Session.info``: the relay to wake (set on the factory) and whether rows wait.
OUTBOX_RELAY_INFO = "outbox_relay"
OUTBOX_STAGED_INFO = "outbox_staged"
# Connections are replaced well before PostgreSQL or a proxy would drop them idle; a
# broken one fails its statement and the pool discards it. No pre-ping round trip per
# checkout: on a webhook that was a fifth of the request's database time.
POOL_RECYCLE_SECONDS = 1800


def _json_serializer(value: Any) -> str:
    return orjson.dumps(value).decode()


def create_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_recycle=POOL_RECYCLE_SECONDS,
        json_serializer=_json_serializer,
        json_deserializer=orjson.loads,
        echo=echo,
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: objects stay readable after commit without lazy loads,
    # which async sessions cannot do implicitly.
    return async_sessionmaker(engine, expire_on_commit=False)


def wake_relay_if_staged(session: AsyncSession) -> None:
    """After a commit: if outbox rows were staged, let the relay publish them now."""
    if session.info.pop(OUTBOX_STAGED_INFO, False):
        relay = session.info.get(OUTBOX_RELAY_INFO)
        if relay is not None:
            relay.wake()


@asynccontextmanager
async def unit_of_work(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with factory() as session:
        async with session.begin():
            yield session
        wake_relay_if_staged(session)
