"""The gateway app: ``uvicorn --factory mia_gateway.main:create_app``.

Settings → infrastructure and the typed context (``GatewayContext.build``) → the live
subscriber included into the broker (``stream.create_router``) → the app, whose lifespan
creates the live topics and the first-run account, then starts consuming; at shutdown it
closes the browsers' connections and the upstream pools before the broker stops.
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
from mia_gateway.routing.endpoints import router as routing_router
from mia_gateway.spa import mount_dashboard
from mia_gateway.stream import create_router, ensure_live_topics
from mia_gateway.tenants.endpoints import router as tenants_router
from mia_gateway.users.endpoints import router as users_router

__all__ = ["create_app"]


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    context = GatewayContext.build(settings)
    context.infra.broker.include_router(create_router(context))

    async def create_live_topics() -> None:
        await ensure_live_topics(settings)

    async def first_run() -> None:
        await ensure_first_run(context)

    app = create_service_app(
        context,
        routers=[
            auth_router,
            oauth_router,
            tenants_router,
            users_router,
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
        on_shutdown=[context.live.close_for_restart, context.upstream.aclose],
        title="Master IA API",
        description="The public API of Master IA: the dashboard and integrations use it.",
        version="1",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    # After every other route: its catch-all answers only what none of them owns.
    mount_dashboard(app, settings.dashboard_dir)
    return app
