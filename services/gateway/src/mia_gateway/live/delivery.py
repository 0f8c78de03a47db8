"""Serving one accepted live WebSocket until it ends, whichever side ends it.

Four tasks per connection, so that none of them can hold up another:

- sending: the replayed (or resync) frames, then whatever the hub queues;
- receiving: notices the browser leaving, and takes a refreshed token from it
  (``{"type":"auth","access_token":...}``, answered ``{"type":"authenticated"}``);
- keeping alive: a ``{"type":"ping"}`` after ``ping_seconds`` of silence, so proxies
  do not close an idle connection and the browser can tell a dead one;
- revalidating: every ``revalidate_seconds`` the credentials are checked again, so a
  disabled user, a suspended tenant, a revoked key or an expired token is cut off
  (close code 4401: log in or refresh, then reconnect with ``last_event_id``).

When one of them ends the connection (or the hub closes it as too slow), the others are
cancelled, even a send stuck on a browser that stopped reading, and the socket is closed
with the connection's code.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from typing import Any, Final

import structlog
from fastapi import WebSocket, WebSocketDisconnect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.websockets import WebSocketState

from mia_common.errors import Unauthorized
from mia_gateway.config import GatewaySettings
from mia_gateway.live.auth import LIVE_AREA, authenticate_live
from mia_gateway.live.connection import CLOSE_SERVER_ERROR, CLOSE_UNAUTHORIZED, LiveConnection
from mia_gateway.live.events import AUTHENTICATED_FRAME, PING_FRAME, RESYNC_FRAME
from mia_gateway.live.hub import LiveHub
from mia_gateway.live.metrics import EVENTS_DELIVERED

__all__ = ["LiveSession", "close_reason"]

logger = structlog.get_logger(__name__)
CONTROL_FRAMES: Final = (PING_FRAME, RESYNC_FRAME, AUTHENTICATED_FRAME)
# Closing waits for the socket to be writable; a browser that stopped reading may never
# let it be. After this long the handler returns and the server drops the transport.
CLOSE_TIMEOUT_SECONDS: Final = 5.0
# A browser refreshing its token more often than this is ignored, not checked each time:
# each check is a database query.
MIN_SECONDS_BETWEEN_TOKEN_UPDATES: Final = 1.0
# RFC 6455: a close frame's reason is at most 123 bytes of UTF-8.
MAX_CLOSE_REASON_BYTES: Final = 123


def close_reason(text: str) -> str:
    return text.encode()[:MAX_CLOSE_REASON_BYTES].decode(errors="ignore")


def _unauthorized_reason(exc: Unauthorized) -> str:
    # The machine-readable code ("token_expired", "user_disabled") tells the browser
    # whether refreshing its token is worth trying.
    return close_reason(str(exc.extra.get("code") or "unauthorized"))


class LiveSession:
    def __init__(
        self,
        websocket: WebSocket,
        connection: LiveConnection,
        *,
        hub: LiveHub,
        credentials: str,
        sessions: async_sessionmaker[AsyncSession],
        settings: GatewaySettings,
    ) -> None:
        self.websocket = websocket
        self.connection = connection
        self.hub = hub
        self.credentials = credentials
        self.sessions = sessions
        self.settings = settings
        self._client_left = False
        self._last_token_update = 0.0

    async def run(self) -> None:
        """Serve until the connection closes; the caller removes it from the hub."""
        workers = {
            asyncio.create_task(self._send(), name="live-send"),
            asyncio.create_task(self._receive(), name="live-receive"),
            asyncio.create_task(self._keep_alive(), name="live-keep-alive"),
            asyncio.create_task(self._revalidate(), name="live-revalidate"),
        }
        closed = asyncio.create_task(self.connection.closed.wait(), name="live-closed")
        try:
            done, _ = await asyncio.wait({*workers, closed}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (*workers, closed):
                task.cancel()
            await asyncio.gather(*workers, closed, return_exceptions=True)
        for task in done & workers:
            self._note_failure(task)
        if not self._client_left:
            await self._close_socket()

    def _note_failure(self, task: asyncio.Task[object]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            return
        if isinstance(exc, WebSocketDisconnect | OSError):
            # A send to a browser that is gone: nothing to close any more.
            self._client_left = True
            self.connection.close(getattr(exc, "code", 1006), "client left")
            return
        logger.error(
            "live connection failed",
            task=task.get_name(),
            connection_id=str(self.connection.id),
            exc_info=exc,
        )
        self.connection.close(CLOSE_SERVER_ERROR, "server error")

    async def _close_socket(self) -> None:
        websocket = self.websocket
        if (
            websocket.application_state is not WebSocketState.CONNECTED
            or websocket.client_state is WebSocketState.DISCONNECTED
        ):
            return
        code = self.connection.close_code or CLOSE_SERVER_ERROR
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT_SECONDS):
                await websocket.close(code=code, reason=close_reason(self.connection.close_reason))
        except (TimeoutError, WebSocketDisconnect, OSError, RuntimeError):
            pass  # the browser is gone or stuck: the server drops the transport

    # -- the four workers --------------------------------------------------------------

    async def _send(self) -> None:
        connection = self.connection
        initial, connection.initial_frames = connection.initial_frames, []
        for frame in initial:
            await self._write(frame)
        queue = connection.queue
        while True:
            await self._write(await queue.get())
            # What piled up meanwhile goes out without a wake-up per frame.
            while not queue.empty():
                await self._write(queue.get_nowait())

    async def _write(self, frame: str) -> None:
        await self.websocket.send_text(frame)
        self.connection.last_sent = time.monotonic()
        if frame not in CONTROL_FRAMES:
            EVENTS_DELIVERED.inc()

    async def _receive(self) -> None:
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                self._client_left = True
                self.connection.close(int(message.get("code") or 1005), "client left")
                return
            text = message.get("text")
            if text:
                await self._on_browser_message(text)

    async def _on_browser_message(self, text: str) -> None:
        """``{"type": "auth", "access_token": "..."}`` replaces the credentials; the
        rest (a browser's own pings, say) is ignored."""
        try:
            message: Any = json.loads(text)
        except ValueError:
            return
        if not isinstance(message, dict) or message.get("type") != "auth":
            return
        token = message.get("access_token")
        now = time.monotonic()
        if not isinstance(token, str) or not token:
            return
        if now - self._last_token_update < MIN_SECONDS_BETWEEN_TOKEN_UPDATES:
            return
        self._last_token_update = now
        await self._refresh(token)

    async def _keep_alive(self) -> None:
        connection = self.connection
        while True:
            due = connection.last_sent + self.hub.ping_seconds
            now = time.monotonic()
            if now < due:
                await asyncio.sleep(due - now)
                continue
            connection.offer(PING_FRAME)
            await asyncio.sleep(self.hub.ping_seconds)

    async def _revalidate(self) -> None:
        while True:
            # Jittered: the browsers that reconnected together after a restart would
            # otherwise all hit the database in the same instant, every time.
            await asyncio.sleep(self.hub.revalidate_seconds * random.uniform(0.8, 1.2))
            credentials = self.credentials
            try:
                refusal = await self._refusal(credentials)
            except (SQLAlchemyError, OSError) as exc:
                # The database blinked: keep serving, and check again next time, rather
                # than disconnecting every browser of the gateway at once.
                logger.warning("live revalidation failed", error=repr(exc))
                continue
            if refusal is None:
                self.connection.revalidations += 1
            elif credentials == self.credentials:
                # (Unless the browser sent a fresh token while this check was running.)
                self.connection.close(CLOSE_UNAUTHORIZED, refusal)

    async def _refresh(self, token: str) -> None:
        """A fresh token from the browser replaces the credentials, or ends the connection."""
        try:
            refusal = await self._refusal(token)
        except (SQLAlchemyError, OSError) as exc:
            logger.warning("live token refresh failed", error=repr(exc))
            return  # the current credentials stay; the browser may try again
        if refusal is not None:
            self.connection.close(CLOSE_UNAUTHORIZED, refusal)
            return
        self.credentials = token
        self.connection.offer(AUTHENTICATED_FRAME)

    async def _refusal(self, credentials: str) -> str | None:
        """None when ``credentials`` still admit this connection, else the close reason."""
        try:
            principal = await authenticate_live(self.sessions, credentials, self.settings)
        except Unauthorized as exc:
            return _unauthorized_reason(exc)
        if principal.tenant_id != self.connection.tenant_id:
            return "tenant_changed"
        if not principal.may_use_area(LIVE_AREA):
            return "scope_required: live"
        return None
