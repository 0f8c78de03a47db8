"""``RequestOnlyRoute``: a FastAPI route for a webhook's hot endpoint, and its direct path.

FastAPI spends, on every request, more than a small webhook endpoint does: it resolves the
dependencies, reads and validates every parameter, and serializes the return value (a
measured ~30 % of a Meta delivery's CPU in meta-ingest). A provider's webhook needs none
of it: it reads the raw body and a header itself, and answers a bare ``Response``. With
``route_class=RequestOnlyRoute`` the endpoint is called with the ``Request`` alone;
OpenAPI still documents it, problem+json still answers its errors.

``DirectRoutes`` goes one step further: the service app's outer middleware serves such a
route (an exact path, no parameters) itself, without the exception middleware, the exit
stack, the router's matching of every route and the request/response wrappers between
(~12 % of a delivery's CPU after the above). What it keeps: the route in ``scope``, the
app's exception handlers for the errors an endpoint raises (problem+json), and the
server-error path (the catch-all handler) for anything else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, cast

from fastapi import Request, Response
from fastapi.routing import APIRoute, iter_route_contexts

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.types import Receive, Scope, Send

__all__ = ["DirectRoutes", "RequestOnlyRoute"]

Endpoint = Callable[[Request], Awaitable[Response]]
ExceptionHandler = Callable[[Request, Exception], Awaitable[Response]]


class RequestOnlyRoute(APIRoute):
    """An ``APIRoute`` whose endpoint is ``async def endpoint(request) -> Response``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint = cast(Endpoint, self.endpoint)

        async def handle(request: Request) -> Response:
            return await endpoint(request)

        return handle


class DirectRoutes:
    """The app's ``RequestOnlyRoute``s with an exact path, served without the router."""

    def __init__(self, app: Starlette) -> None:
        self._app = app
        self._routes: dict[tuple[str, str], RequestOnlyRoute] | None = None

    def find(self, scope: Scope) -> RequestOnlyRoute | None:
        if self._routes is None:
            # Read on the first request: every router is included by then.
            # Through FastAPI's route contexts: an included router's routes are not in
            # app.routes themselves, and their paths carry the router's prefix.
            self._routes = {
                (method, context.path): route
                for context in iter_route_contexts(self._app.routes)
                if isinstance(route := context.original_route, RequestOnlyRoute)
                and context.path
                and "{" not in context.path
                for method in context.methods or ()
            }
        if not self._routes or scope.get("root_path"):
            return None
        return self._routes.get((scope["method"], scope["path"]))

    async def serve(
        self, route: RequestOnlyRoute, scope: Scope, receive: Receive, send: Send
    ) -> None:
        scope["route"] = route
        scope["endpoint"] = route.endpoint
        scope["app"] = self._app
        request = Request(scope, receive, send)
        try:
            response = await cast(Endpoint, route.endpoint)(request)
        except Exception as exc:
            handler = self._handler_for(exc)
            if handler is None:
                raise  # the server-error middleware answers it, as for any route
            response = await handler(request, exc)
        await response(scope, receive, send)

    def _handler_for(self, exc: Exception) -> ExceptionHandler | None:
        """The app's handler for ``exc``'s class or nearest base, as Starlette's exception
        middleware picks it; the catch-all (``Exception``) is the server-error path's."""
        handlers = self._app.exception_handlers
        for cls in type(exc).__mro__:
            if cls is Exception:
                return None
            handler = handlers.get(cls)
            if handler is not None:
                return cast(ExceptionHandler, handler)
        return None
