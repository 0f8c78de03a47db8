"""A downstream service speaking real HTTP, for the routing tests and the gateway bench.

Like a real service, it trusts nothing but the identity token (``CurrentIdentity`` of
``mia_common.identity``, verified with the gateway's secret) and serves its API under
``/api/v1/echo``. It answers with what it received, and a few routes misbehave on
purpose: too slow, a 500 in plain text, a 409 problem, a 5 MB streamed body.
``serving`` runs any ASGI app on uvicorn on a free loopback port of this event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse, StreamingResponse

from mia_common.errors import problem_response
from mia_common.identity import CurrentIdentity, IdentityError, get_platform_settings
from mia_common.settings import PlatformSettings
from mia_common.testing import wait_until

__all__ = ["AREA", "FakeService", "create_fake_service", "large_body", "serving"]

AREA = "echo"
PREFIX = f"/api/v1/{AREA}"
_CHUNK = 64 * 1024
_BLOCK = bytes(range(256))
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def large_body(size: int) -> bytes:
    """The exact bytes ``GET /api/v1/echo/large?size=`` streams."""
    return (_BLOCK * (size // len(_BLOCK) + 1))[:size]


@dataclass
class FakeService:
    """The app and what it saw, for assertions that it was (or was not) called."""

    app: FastAPI
    seen_paths: list[str] = field(default_factory=list)


def create_fake_service(settings: PlatformSettings) -> FakeService:
    """The echo service, verifying identity tokens with ``settings``' secret."""
    app = FastAPI()
    service = FakeService(app)
    app.dependency_overrides[get_platform_settings] = lambda: settings

    @app.exception_handler(IdentityError)
    async def _identity_refused(request: Request, exc: IdentityError) -> Response:
        return problem_response(exc.status_code, exc.title, exc.detail, reason=exc.reason.value)

    @app.middleware("http")
    async def _record(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # Recorded before anything can refuse the request: "never called" means never.
        service.seen_paths.append(request.url.path)
        return await call_next(request)

    @app.get(f"{PREFIX}/slow")
    async def slow(identity: CurrentIdentity, seconds: float = 3.0) -> dict[str, float]:
        # The service is the slow party here; the test waits on the gateway's timeout.
        await asyncio.sleep(seconds)
        return {"slept": seconds}

    @app.get(f"{PREFIX}/fail")
    async def fail(identity: CurrentIdentity) -> Response:
        return PlainTextResponse("Traceback: secret internals at db.py line 42", status_code=500)

    @app.post(f"{PREFIX}/conflict")
    async def conflict(identity: CurrentIdentity) -> Response:
        return problem_response(
            409, "Conflict", "a contact with this phone exists", code="contact_exists"
        )

    @app.delete(f"{PREFIX}/nothing", status_code=204)
    async def nothing(identity: CurrentIdentity) -> Response:
        return Response(status_code=204)

    @app.get(f"{PREFIX}/large")
    async def large(identity: CurrentIdentity, size: int) -> Response:
        async def chunks() -> AsyncIterator[bytes]:
            block = _BLOCK * (_CHUNK // len(_BLOCK))
            for offset in range(0, size, _CHUNK):
                yield block[: min(_CHUNK, size - offset)]

        return StreamingResponse(chunks(), media_type="application/octet-stream")

    @app.put(f"{PREFIX}/digest")
    async def digest(identity: CurrentIdentity, request: Request) -> dict[str, Any]:
        hasher = hashlib.sha256()
        length = 0
        async for chunk in request.stream():
            hasher.update(chunk)
            length += len(chunk)
        return {"length": length, "sha256": hasher.hexdigest()}

    @app.api_route(PREFIX, methods=METHODS)
    @app.api_route(f"{PREFIX}/{{path:path}}", methods=METHODS)
    async def echo(identity: CurrentIdentity, request: Request) -> Response:
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        response = JSONResponse(
            {
                "identity": identity.model_dump(mode="json"),
                "method": request.method,
                "path": raw_path.split(b"?", 1)[0].decode("latin-1"),
                "query": request.scope["query_string"].decode("latin-1"),
                "body": (await request.body()).decode(),
                "headers": dict(request.headers),
            }
        )
        # Only the gateway may set cookies on its domain; this one must not get through.
        response.set_cookie("service_cookie", "1")
        return response

    return service


@asynccontextmanager
async def serving(app: Any, *, lifespan: str = "off") -> AsyncIterator[str]:
    """Serve ``app`` on ``127.0.0.1:<free port>`` in this event loop; yield its URL."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,  # the OS picks a free port: no race with other test sessions
        lifespan=lifespan,
        log_config=None,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        await wait_until(
            lambda: server.started or task.done(), timeout=30, message="uvicorn started"
        )
        if not server.started:
            task.result()  # raises why it could not start
            raise RuntimeError("uvicorn stopped before it started")
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=15)
