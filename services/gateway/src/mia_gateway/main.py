"""The gateway app: ``uvicorn --factory mia_gateway.main:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from mia_common.app_legacy import create_service_app
from mia_common.messaging import create_broker
from mia_gateway.api_keys.endpoints import router as api_keys_router
from mia_gateway.audit.endpoints import router as audit_router
from mia_gateway.auth.endpoints import router as auth_router
from mia_gateway.bootstrap import ensure_first_run
from mia_gateway.config import GatewaySettings, get_settings
from mia_gateway.invitations.endpoints import router as invitations_router
from mia_gateway.live.endpoints import router as live_router
from mia_gateway.live.hub import start_live, stop_live
from mia_gateway.oauth.endpoints import router as oauth_router
from mia_gateway.routing.client import close_upstream
from mia_gateway.routing.endpoints import router as routing_router
from mia_gateway.spa import mount_dashboard
from mia_gateway.tenants.endpoints import router as tenants_router
from mia_gateway.users.endpoints import router as users_router

__all__ = ["create_app"]


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = create_service_app(
        settings,
        broker=create_broker(settings, client_id="gateway"),
        routers=[
            auth_router,
            oauth_router,
            tenants_router,
            users_router,
            invitations_router,
            api_keys_router,
            audit_router,
            live_router,
            # Last: it forwards whatever /api/v1/<area>/ the routes above do not own.
            routing_router,
        ],
        on_startup=[ensure_first_run, start_live],
        on_shutdown=[stop_live, close_upstream],
        runs_outbox_relay=False,
        title="Master IA API",
        description="The public API of Master IA: the dashboard and integrations use it.",
        version="1",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.dependency_overrides[get_settings] = lambda: settings
    # After every other route: its catch-all answers only what none of them owns.
    mount_dashboard(app, settings.dashboard_dir)
    return app
