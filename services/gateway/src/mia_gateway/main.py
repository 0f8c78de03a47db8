"""The gateway app: ``uvicorn --factory mia_gateway.main:create_app``.

Settings → infrastructure and the typed context (``GatewayContext.build``) → the live
subscriber included into the broker (``stream.create_router``) → the public document →
the app, whose lifespan creates the live topics and the first-run
account, then starts consuming; at shutdown it closes the browsers' connections and the
upstream pools before the broker stops.

The request limits (``ratelimits``) are part of authenticating a caller
(``auth.dependencies.get_principal``), so every signed-in route has them, forwarded or
the gateway's own; their fields go on every answer to a limited caller.
``/api/openapi.json`` and ``/api/docs`` are the merged public document
(``routing.openapi``); ``app.openapi()`` stays the gateway's own.
"""

from __future__ import annotations

from fastapi import FastAPI

from mia_common.app import create_service_app
from mia_gateway.api_keys.endpoints import router as api_keys_router
from mia_gateway.audit.endpoints import router as audit_router
from mia_gateway.auth.endpoints import router as auth_router
from mia_gateway.bootstrap import ensure_first_run
from mia_gateway.config import GatewaySettings, get_settings
from mia_gateway.context import GatewayContext
from mia_gateway.internal.endpoints import router as internal_router
from mia_gateway.invitations.endpoints import router as invitations_router
from mia_gateway.live.endpoints import router as live_router
from mia_gateway.oauth.endpoints import router as oauth_router
from mia_gateway.ratelimits.headers import RateLimitHeaders
from mia_gateway.routing.endpoints import create_document_router
from mia_gateway.routing.endpoints import router as routing_router
from mia_gateway.routing.openapi import PublicDocument
from mia_gateway.spa import mount_dashboard
from mia_gateway.stream import create_router, ensure_live_topics
from mia_gateway.teams.endpoints import router as teams_router
from mia_gateway.tenants.endpoints import router as tenants_router
from mia_gateway.users.endpoints import router as users_router

__all__ = ["DESCRIPTION", "TITLE", "create_app"]

TITLE = "Master IA API"
DESCRIPTION = """The public API of Master IA: the dashboard and integrations use it.

Every area is here: the gateway's own (sign-in, the company, users, teams, invitations,
API keys, the audit log) and the areas of the services it routes to (the inbox, contacts,
channels, media, ...). Authenticate with `Authorization: Bearer <access token>` (a signed-in user)
or with an API key (`Authorization: Bearer mia_...` or `X-Api-Key: mia_...`).

Errors are problem details (`application/problem+json`, RFC 9457) with a stable `code`.
Requests are rate limited per company and per API key: every answer to a signed-in caller
carries `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers), and a
refusal is a 429 with `Retry-After`."""


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    context = GatewayContext.build(settings)
    context.infra.broker.include_router(create_router(context))

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
            tenants_router,
            users_router,
            teams_router,
            invitations_router,
            api_keys_router,
            audit_router,
            live_router,
            internal_router,
            # Last: it forwards whatever /api/v1/<area>/ the routes above do not own.
            routing_router,
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
