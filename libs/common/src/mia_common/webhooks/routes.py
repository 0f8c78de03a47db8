"""``RequestOnlyRoute``: a FastAPI route for a webhook's hot endpoint.

FastAPI spends, on every request, more than a small webhook endpoint does: it resolves the
dependencies, reads and validates every parameter, and serializes the return value (a
measured ~30 % of a Meta delivery's CPU in meta-ingest). A provider's webhook needs none
of it: it reads the raw body and a header itself, and answers a bare ``Response``. With
``route_class=RequestOnlyRoute`` the endpoint is called with the ``Request`` alone;
OpenAPI still documents it, problem+json still answers its errors.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, cast

from fastapi import Request, Response
from fastapi.routing import APIRoute

__all__ = ["RequestOnlyRoute"]


class RequestOnlyRoute(APIRoute):
    """An ``APIRoute`` whose endpoint is ``async def endpoint(request) -> Response``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint = cast(Callable[[Request], Awaitable[Response]], self.endpoint)

        async def handle(request: Request) -> Response:
            return await endpoint(request)

        return handle
