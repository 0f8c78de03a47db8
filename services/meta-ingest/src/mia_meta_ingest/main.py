"""The meta-ingest app: ``uvicorn --factory mia_meta_ingest.main:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from mia_common.app import create_service_app
from mia_common.crypto import KeyRing
from mia_meta_ingest.config import MetaIngestSettings, get_settings
from mia_meta_ingest.stream import create_ingest_broker
from mia_meta_ingest.webhook.endpoints import router as webhook_router

__all__ = ["create_app"]


def create_app(settings: MetaIngestSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = create_service_app(
        settings,
        broker=None,
        routers=[webhook_router],
        runs_outbox_relay=False,
        title="Master IA meta-ingest",
    )
    # The subscriber writes through the context's session factory, built in the lifespan:
    # hand the broker the very context object the lifespan fills in.
    app.state.context.broker = create_ingest_broker(settings, app.state.context)
    # Parsed once (and so checked at start-up), not on every delivery.
    app.state.context.extras["key_ring"] = KeyRing.from_settings(settings)
    app.dependency_overrides[get_settings] = lambda: settings
    return app
