"""``RateLimit-Policy`` and ``RateLimit`` on every answer to a limited caller.

A plain ASGI middleware: when the answer starts, it adds the fields of the verdict the
request's limit left in the scope's state (``dependencies``), on a success, a 429 and any
other answer alike, so a client can pace itself before it is ever refused. A forwarded
answer streams through untouched but for its header block.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mia_gateway.ratelimits.dependencies import verdict_of

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["RateLimitHeaders"]


class RateLimitHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Made here, so that the routes' request.state and this middleware share one dict
        # even if a layer between them copies the scope.
        state: dict[str, Any] = scope.setdefault("state", {})

        async def send_with_limits(message: Message) -> None:
            if message["type"] == "http.response.start":
                verdict = verdict_of(state)
                if verdict is not None:
                    message["headers"] = [*message.get("headers", ()), *verdict.raw_headers()]
            await send(message)

        await self.app(scope, receive, send_with_limits)
