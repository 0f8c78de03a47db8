"""The gateway app: ``uvicorn --factory mia_gateway.main:create_app``.

Settings → infrastructure and the typed context (``GatewayContext.build``) → the live
subscriber included into the broker (``stream.create_router``) → the request limits and
the public document → the app, whose lifespan creates the live topics and the first-run
account, then starts consuming; at shutdown it closes the browsers' connections and the
upstream pools before the broker stops.

The request limits (``ratelimits``) run right after authentication on the forwarded
routes and on the gateway's own routers whose every route needs a principal; their fields
go on every answer to a limited caller. ``/api/openapi.json`` and ``/api/docs`` are the
merged public document (``routing.openapi``); ``app.openapi()`` stays the gateway's own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Depends, FastAPI

from mia_common.app import create_service_app
from mia_gateway.api_keys.endpoints import router as api_keys_router
from mia_gateway.audit.endpoints import router as audit_router
from mia_gateway.auth.dependencies import get_principal
from mia_gateway.auth.endpoints import router as auth_router
from mia_gateway.bootstrap import ensure_first_run
from mia_gateway.config import GatewaySettings, get_settings
from mia_gateway.context import GatewayContext
from mia_gateway.internal.endpoints import router as internal_router
from mia_gateway.invitations.endpoints import router as invitations_router
from mia_gateway.live.endpoints import router as live_router
from mia_gateway.oauth.endpoints import router as oauth_router
from mia_gateway.ratelimits.dependencies import limit_requests
from mia_gateway.ratelimits.headers import RateLimitHeaders
from mia_gateway.ratelimits.limiter import RequestLimiter
from mia_gateway.routing.endpoints import create_document_router, get_forwarding_principal
from mia_gateway.routing.endpoints import router as routing_router
from mia_gateway.routing.openapi import PublicDocument
from mia_gateway.spa import mount_dashboard
from mia_gateway.stream import create_router, ensure_live_topics
from mia_gateway.tenants.endpoints import router as tenants_router
from mia_gateway.users.endpoints import router as users_router

__all__ = ["DESCRIPTION", "TITLE", "create_app"]

TITLE = "Master IA API"
DESCRIPTION = """The public API of Master IA: the dashboard and integrations use it.

Every area is here: the gateway's own (sign-in, the company, users, invitations, API keys,
the audit log) and the areas of the services it routes to (the inbox, contacts, channels,
media, ...). Authenticate with `Authorization: Bearer <access token>` (a signed-in user)
or with an API key (`Authorization: Bearer mia_...` or `X-Api-Key: mia_...`).

Errors are problem details (`application/problem+json`, RFC 9457) with a stable `code`.
Requests are rate limited per company and per API key: every answer to a signed-in caller
carries `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers), and a
refusal is a 429 with `Retry-After`."""


def _limited(router: APIRouter, dependency: Callable[..., Awaitable[None]]) -> APIRouter:
    """``router`` with ``dependency`` run before each of its routes' own."""
    wrapper = APIRouter(dependencies=[Depends(dependency)])
    wrapper.include_router(router)
    return wrapper


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    context = GatewayContext.build(settings)
    context.infra.broker.include_router(create_router(context))
    limiter = RequestLimiter.from_settings(context.infra.redis_client, settings)
    # Only on routers whose every route authenticates: on the others (sign-in, invitation
    # acceptance) the limit's principal would turn an anonymous route into a 401.
    limit_own = limit_requests(limiter, get_principal)
    limit_forwarded = limit_requests(limiter, get_forwarding_principal)

    async def create_live_topics() -> None:
        await ensure_live_topics(settings)

    async def first_run() -> None:
        await ensure_first_run(context)

    app: FastAPI

    def own_document() -> dict[str, object]:
        return app.openapi()

    document = PublicDocument(
        own=own_document,
        routes=settings.routes,
        cache_seconds=settings.openapi_cache_seconds,
        timeout_seconds=settings.openapi_fetch_timeout_seconds,
    )
    app = create_service_app(
        context,
        routers=[
            create_document_router(document, title=TITLE),
            auth_router,
            oauth_router,
            _limited(tenants_router, limit_own),
            _limited(users_router, limit_own),
            invitations_router,
            _limited(api_keys_router, limit_own),
            _limited(audit_router, limit_own),
            live_router,
            internal_router,
            # Last: it forwards whatever /api/v1/<area>/ the routes above do not own.
            _limited(routing_router, limit_forwarded),
        ],
        # The live consumer subscribes when the broker starts: its topics must exist by then.
        on_startup=[create_live_topics, first_run],
        on_shutdown=[context.live.close_for_restart, context.upstream.aclose, document.aclose],
        title=TITLE,
        description=DESCRIPTION,
        version="1",
        # Served by create_document_router: the public document is the merged one.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    # After every other route: its catch-all answers only what none of them owns.
    mount_dashboard(app, settings.dashboard_dir)
    # Outermost: the limit's fields reach every answer, the problem handlers' 429 too.
    app.add_middleware(RateLimitHeaders)
    return app
