"""The one session dependency of every service's HTTP API: the request is the transaction.

``SessionDep`` commits before the response is sent (``scope="function"``): a client that
got its 201 reads back what it created at once, and a failed commit answers 500 instead of
being lost after a success was already sent (FastAPI's default ends the dependency after
the response).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.db.engine import unit_of_work

__all__ = ["SessionDep", "request_session"]


async def request_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with unit_of_work(request.app.state.context.infra.sessions) as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(request_session, scope="function")]
