"""The request is the transaction: one session per request, committed when it succeeds.

``AfterCommit`` collects what must happen only once the request's transaction committed
(waking the outbox relay, notifying the dispatch scheduler): the session dependency
depends on it, so FastAPI closes the session (commit) before running the callbacks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["AfterCommit", "SessionDep", "get_after_commit", "get_session"]


async def get_after_commit() -> AsyncIterator[list[Callable[[], None]]]:
    callbacks: list[Callable[[], None]] = []
    yield callbacks
    for callback in callbacks:
        callback()


AfterCommit = Annotated[list[Callable[[], None]], Depends(get_after_commit)]


async def get_session(request: Request, _after: AfterCommit) -> AsyncIterator[AsyncSession]:
    factory = request.app.state.context.session_factory
    assert factory is not None, "the sender always has a database"
    async with factory() as session, session.begin():
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
