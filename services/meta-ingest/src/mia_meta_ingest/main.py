"""The meta-ingest app: ``uvicorn --factory mia_meta_ingest.main:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from mia_common.app import build_infrastructure, create_service_app
from mia_meta_ingest.config import MetaIngestSettings, get_settings
from mia_meta_ingest.context import MetaIngestContext
from mia_meta_ingest.media.endpoints import router as media_router
from mia_meta_ingest.stream import create_media_consumer, create_router
from mia_meta_ingest.webhook.endpoints import router as webhook_router

__all__ = ["create_app"]


def create_app(settings: MetaIngestSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    infra = build_infrastructure(settings, client_id="meta-ingest")
    context = MetaIngestContext.build(settings, infra)
    infra.broker.include_router(create_router(context))
    media_copier = create_media_consumer(context)
    # No app.dependency_overrides: with any override set, FastAPI rebuilds every
    # dependency of every request (inspect.signature each time), a measured ~5 % of a
    # webhook's CPU. Identity tokens are checked with the platform settings, read from
    # the same environment.
    return create_service_app(
        context,
        routers=[webhook_router, media_router],
        on_startup=[context.load_accounts, media_copier.start],
        on_shutdown=[media_copier.stop, context.close],
        title="Master IA meta-ingest",
    )
