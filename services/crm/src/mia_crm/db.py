"""The request is the transaction: one session per request, committed when it succeeds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

__all__ = ["SessionDep", "get_session"]


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    factory: async_sessionmaker[AsyncSession] | None = request.app.state.context.session_factory
    assert factory is not None, "the crm always has a database"
    async with factory() as session, session.begin():
        yield session


# scope="function": the commit happens before the response leaves, so a client that got
# 202 for a reply reads it back at once (FastAPI's default commits after sending).
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
