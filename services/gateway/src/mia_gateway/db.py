"""The request is the transaction: one session per request, committed when it succeeds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

__all__ = ["SessionDep", "get_session", "session_factory"]


def session_factory(request: Request) -> async_sessionmaker[AsyncSession]:
    factory = request.app.state.context.session_factory
    assert factory is not None, "the gateway always has a database"
    return factory  # type: ignore[no-any-return]


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with session_factory(request)() as session, session.begin():
        yield session


# scope="function": the transaction commits before the response is sent. With FastAPI's
# default the commit came after it, so a client acting on the answer at once (log in, then
# call the API) could find nothing yet, and a failed commit was never reported.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
