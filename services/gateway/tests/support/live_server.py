"""The gateway on a real port (WebSockets need one) and a browser-like live client.

``serve_app`` runs an already started app (its lifespan is the caller's) with uvicorn on
a loopback socket bound first, so there is no race for a free port. ``LiveClient``
reads every frame in the background; tests wait on what it collected, with deadlines.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

import uvicorn
from fastapi import FastAPI
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from mia_common.testing import wait_until

__all__ = ["LiveClient", "open_live", "serve_app"]


@asynccontextmanager
async def serve_app(app: FastAPI) -> AsyncIterator[str]:
    """``http://127.0.0.1:<port>`` serving ``app`` until the block ends."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        await wait_until(lambda: server.started or task.done(), message="uvicorn started")
        if task.done():
            task.result()  # raises what made it stop
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=30)
        sock.close()


class LiveClient:
    """One live WebSocket, its frames collected as they arrive."""

    def __init__(self, websocket: ClientConnection) -> None:
        self.websocket = websocket
        self.frames: list[dict[str, Any]] = []
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for raw in self.websocket:
                self.frames.append(json.loads(raw))
        except ConnectionClosed:
            pass  # the close code is on the connection

    @property
    def events(self) -> list[dict[str, Any]]:
        """The frames that are events (control frames have no id)."""
        return [frame for frame in self.frames if "id" in frame]

    @property
    def event_ids(self) -> list[str]:
        return [event["id"] for event in self.events]

    async def wait_for_events(self, count: int, *, within: float = 20) -> list[dict[str, Any]]:
        await wait_until(
            lambda: len(self.events) >= count, timeout=within, message=f"{count} live events"
        )
        return self.events

    async def wait_for_event(self, event_id: str, *, within: float = 20) -> None:
        await wait_until(
            lambda: event_id in self.event_ids, timeout=within, message=f"live event {event_id}"
        )

    async def wait_for_frame(self, frame: dict[str, Any], *, within: float = 20) -> None:
        await wait_until(lambda: frame in self.frames, timeout=within, message=f"frame {frame}")

    async def wait_closed(self, *, within: float = 20) -> tuple[int | None, str | None]:
        """The close code and reason the server sent."""
        await wait_until(self._reader.done, timeout=within, message="live connection closed")
        return self.websocket.close_code, self.websocket.close_reason

    async def close(self) -> None:
        await self.websocket.close()
        await asyncio.wait_for(self._reader, timeout=10)


@asynccontextmanager
async def open_live(
    base_url: str,
    token: str | None = None,
    *,
    in_subprotocol: bool = False,
    **params: str,
) -> AsyncIterator[LiveClient]:
    """A live connection with ``token`` in the query (or the ``bearer`` subprotocol)."""
    query = dict(params)
    subprotocols: Sequence[Subprotocol] | None = None
    if token is not None and in_subprotocol:
        subprotocols = [Subprotocol("bearer"), Subprotocol(token)]
    elif token is not None:
        query["access_token"] = token
    url = base_url.replace("http://", "ws://", 1) + "/api/v1/live"
    if query:
        url = f"{url}?{urlencode(query)}"
    websocket = await connect(url, subprotocols=subprotocols, open_timeout=10)
    client = LiveClient(websocket)
    try:
        yield client
    finally:
        await client.close()
