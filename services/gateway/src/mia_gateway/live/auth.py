"""Who opens a live connection: the same access token or API key as the REST API.

Browsers cannot set an ``Authorization`` header on a WebSocket, so the credentials come
either in the ``Sec-WebSocket-Protocol`` header as the pair ``bearer, <token>`` (the
server answers with the ``bearer`` subprotocol) or in the ``access_token`` query
parameter. Prefer the header: query strings end up in access logs and proxies.

A live connection outlives one request, so it is checked again periodically with the
latest credentials the browser gave (it may send a refreshed token on the socket).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_common.db import unit_of_work
from mia_gateway.auth.principal import Principal
from mia_gateway.auth.service import authenticate
from mia_gateway.config import GatewaySettings

__all__ = ["BEARER_SUBPROTOCOL", "LIVE_AREA", "authenticate_live", "credentials_from"]

BEARER_SUBPROTOCOL: Final = "bearer"
# The scope an API key needs for live events ("*" grants every area).
LIVE_AREA: Final = "live"


def credentials_from(query_token: str | None, subprotocols: Sequence[str]) -> str | None:
    """The query parameter's token, else the one after ``bearer`` in the subprotocols."""
    if query_token:
        return query_token
    if BEARER_SUBPROTOCOL in subprotocols:
        position = list(subprotocols).index(BEARER_SUBPROTOCOL)
        if position + 1 < len(subprotocols):
            return subprotocols[position + 1]
    return None


async def authenticate_live(
    sessions: async_sessionmaker[AsyncSession], credentials: str | None, settings: GatewaySettings
) -> Principal:
    """``authenticate`` in a transaction of its own: raises ``Unauthorized`` when refused.

    A WebSocket has no request transaction (``SessionDep``): each check is its own unit of
    work, so no connection is held for the life of the socket.
    """
    async with unit_of_work(sessions) as session:
        return await authenticate(session=session, credentials=credentials, settings=settings)
