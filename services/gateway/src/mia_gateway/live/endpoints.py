"""``/api/v1/live``: the WebSocket pushing a browser its tenant's events.

Query parameters: ``access_token`` (or the ``bearer, <token>`` subprotocol pair, see
``live.auth``), ``last_event_id`` to resume, ``topics=a,b`` to receive only those topics.

Every frame is a JSON object. An event::

    {"id": ..., "type": "messages.inbound.v1", "topic": ..., "tenantid": ..., "time": ...,
     "data": {...}}

and the control frames ``{"type": "ping"}`` (after a silence), ``{"type": "resync"}``
(first, when ``last_event_id`` is no longer known: refetch the state over the REST API)
and ``{"type": "authenticated"}``. The browser sends only one message: after refreshing
its access token, ``{"type": "auth", "access_token": "..."}``, so the connection is
revalidated with the new token rather than cut off when the old one expires.

Refusals happen after the handshake, with a close code a browser can read (a refused
handshake only shows it a failed connection): 4401 for missing or refused credentials
(the reason is the error code, e.g. ``token_expired``), 4403 for an API key without the
``live`` scope, 1008 for unknown topics, 1013 when the browser read too slowly, 1012 when
the gateway restarts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Query, WebSocket

from mia_common.errors import Unauthorized
from mia_gateway.live.auth import (
    BEARER_SUBPROTOCOL,
    LIVE_AREA,
    authenticate_live,
    credentials_from,
)
from mia_gateway.live.connection import (
    CLOSE_BAD_REQUEST,
    CLOSE_FORBIDDEN,
    CLOSE_UNAUTHORIZED,
)
from mia_gateway.live.delivery import LiveSession, close_reason
from mia_gateway.live.events import MAX_EVENT_ID_LENGTH

if TYPE_CHECKING:
    from mia_gateway.context import GatewayContext

__all__ = ["LIVE_PATH", "router"]

LIVE_PATH = "/api/v1/live"
router = APIRouter(tags=["live"])


async def _refuse(websocket: WebSocket, subprotocol: str | None, code: int, reason: str) -> None:
    await websocket.accept(subprotocol=subprotocol)
    await websocket.close(code=code, reason=close_reason(reason))


@router.websocket(LIVE_PATH, name="live_events")
async def live_events(
    websocket: WebSocket,
    access_token: Annotated[str | None, Query(max_length=4096)] = None,
    last_event_id: Annotated[str | None, Query(max_length=MAX_EVENT_ID_LENGTH)] = None,
    topics: Annotated[str | None, Query(max_length=2000)] = None,
) -> None:
    context: GatewayContext = websocket.app.state.context
    offered = list(websocket.scope.get("subprotocols") or ())
    # Echo "bearer" whenever it was offered: a browser fails a handshake that ignores it.
    subprotocol = BEARER_SUBPROTOCOL if BEARER_SUBPROTOCOL in offered else None
    # Each check of the credentials is one statement or two: autocommit (see the context).
    hub, settings, sessions = context.live, context.settings, context.autocommit_sessions

    credentials = credentials_from(access_token, offered)
    try:
        principal = await authenticate_live(sessions, credentials, settings)
    except Unauthorized as exc:
        await _refuse(
            websocket, subprotocol, CLOSE_UNAUTHORIZED, str(exc.extra.get("code", "unauthorized"))
        )
        return
    if not principal.may_use_area(LIVE_AREA):
        await _refuse(websocket, subprotocol, CLOSE_FORBIDDEN, "scope_required: live")
        return
    wanted = None
    if topics:
        wanted = {name.strip() for name in topics.split(",") if name.strip()}
        unknown = sorted(wanted - set(settings.live_topics))
        if unknown:
            await _refuse(
                websocket, subprotocol, CLOSE_BAD_REQUEST, f"unknown topics: {','.join(unknown)}"
            )
            return

    # Registered before the handshake completes: once the browser sees the socket open,
    # every event from then on is queued for it.
    connection = hub.connect(principal.tenant_id, topics=wanted, last_event_id=last_event_id)
    try:
        await websocket.accept(subprotocol=subprotocol)
        assert credentials is not None  # authenticate refuses missing credentials
        session = LiveSession(
            websocket,
            connection,
            hub=hub,
            credentials=credentials,
            sessions=sessions,
            settings=settings,
        )
        await session.run()
    finally:
        hub.disconnect(connection)
