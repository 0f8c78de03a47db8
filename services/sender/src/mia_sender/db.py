"""Transactions of the sender: a session plus the outbox rows staged in it.

``transaction`` (Kafka handlers, dispatchers) and ``TxDep`` (HTTP requests: the request is
the transaction) both write the staged outbox rows just before committing, so events go
out exactly when the change they describe is committed.

``TxDep`` closes before the response is sent (FastAPI's ``scope="function"``): a client
that got its 201 can read what it created, and a failed commit is a 500, not a silent
loss after a success was already answered. ``AfterCommit`` collects what must happen only
once committed (waking the outbox relay, notifying the dispatch scheduler).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_sender.events import OutboxBatch

__all__ = ["AfterCommit", "Tx", "TxDep", "get_after_commit", "get_tx", "transaction"]


@dataclass(frozen=True, slots=True)
class Tx:
    session: AsyncSession
    outbox: OutboxBatch


@asynccontextmanager
async def transaction(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[Tx]:
    """Commit when the block ends normally (outbox rows first), roll back otherwise."""
    async with factory() as session, session.begin():
        tx = Tx(session, OutboxBatch())
        yield tx
        await tx.outbox.flush(session)


async def get_after_commit() -> AsyncIterator[list[Callable[[], None]]]:
    callbacks: list[Callable[[], None]] = []
    yield callbacks
    for callback in callbacks:
        callback()


AfterCommit = Annotated[list[Callable[[], None]], Depends(get_after_commit, scope="function")]


async def get_tx(request: Request, _after: AfterCommit) -> AsyncIterator[Tx]:
    factory = request.app.state.context.session_factory
    assert factory is not None, "the sender always has a database"
    async with transaction(factory) as tx:
        yield tx


TxDep = Annotated[Tx, Depends(get_tx, scope="function")]
