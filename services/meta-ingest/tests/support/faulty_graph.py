"""A Graph API over real HTTP that answers media requests the way a test scripts them.

The Meta sandbox refuses media downloads only as Meta does for a wrong token or an
unknown id; this fake also answers what Meta does when it is away or refusing (403, 429,
5xx, a hold past the client's timeout, a damaged download), per media id, in Graph's
error shape. A media id without a script is served whole.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from mia_meta_sandbox.testing import free_listener, serve_app

__all__ = ["FaultyGraph", "Scripted", "graph_error", "running_faulty_graph"]

CONTENT = b"%PDF-1.7 " + bytes(range(256)) * 4
Step = Literal["metadata", "download"]


def graph_error(
    code: int, message: str, *, transient: bool = False, subcode: int | None = None
) -> dict[str, Any]:
    """A Graph error body, as graph.facebook.com writes it."""
    error: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "AbCdEfGh123",
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    if transient:
        error["is_transient"] = True
    return {"error": error}


@dataclass(frozen=True)
class Scripted:
    """What one step of one media id answers: a status and body, or a hold."""

    step: Step = "metadata"
    status: int = 200
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    hold: bool = False
    """Answer nothing until the fake stops (the client's timeout fires first)."""
    declared_size: int | None = None
    """For the metadata step: the ``file_size`` it reports."""
    wrong_sha256: bool = False
    download_url: str | None = None
    """For the metadata step: the URL it hands out (somewhere unreachable, say)."""


class FaultyGraph:
    def __init__(self, url: str) -> None:
        self.url = url
        self.scripts: dict[str, Scripted] = {}
        self.requested: list[str] = []
        """The media ids asked for, metadata or download, in order."""
        self._released = asyncio.Event()
        self.app = self._build()

    def script(self, media_id: str, scripted: Scripted) -> str:
        self.scripts[media_id] = scripted
        return media_id

    def release(self) -> None:
        self._released.set()

    async def _answer(self, scripted: Scripted) -> Response:
        if scripted.hold:
            await self._released.wait()
        return JSONResponse(scripted.body or {}, scripted.status, headers=scripted.headers)

    def _build(self) -> FastAPI:
        app = FastAPI()

        @app.get("/{version}/{media_id}")
        async def metadata(version: str, media_id: str, request: Request) -> Response:
            self.requested.append(media_id)
            scripted = self.scripts.get(media_id)
            if (
                scripted is not None
                and scripted.step == "metadata"
                and (scripted.status != 200 or scripted.hold)
            ):
                return await self._answer(scripted)
            digest = hashlib.sha256(CONTENT).hexdigest()
            if scripted is not None and scripted.wrong_sha256:
                digest = hashlib.sha256(b"something else").hexdigest()
            size = len(CONTENT)
            if scripted is not None and scripted.declared_size is not None:
                size = scripted.declared_size
            return JSONResponse(
                {
                    "messaging_product": "whatsapp",
                    "url": (scripted.download_url if scripted else None)
                    or f"{self.url}/lookaside/download/{media_id}",
                    "mime_type": "application/pdf",
                    "sha256": digest,
                    "file_size": size,
                    "id": media_id,
                }
            )

        @app.get("/lookaside/download/{media_id}")
        async def download(media_id: str) -> Response:
            self.requested.append(media_id)
            scripted = self.scripts.get(media_id)
            if (
                scripted is not None
                and scripted.step == "download"
                and (scripted.status != 200 or scripted.hold)
            ):
                return await self._answer(scripted)
            return Response(CONTENT, media_type="application/pdf")

        return app


@asynccontextmanager
async def running_faulty_graph() -> AsyncIterator[FaultyGraph]:
    listener, url = free_listener()
    graph = FaultyGraph(url)
    async with serve_app(graph.app, listener):
        try:
            yield graph
        finally:
            # Held requests end before the server stops (it waits for them).
            graph.release()
