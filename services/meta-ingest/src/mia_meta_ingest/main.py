"""The meta-ingest app: ``uvicorn --factory mia_meta_ingest.main:create_app``."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from mia_common.app_legacy import ServiceContext, create_service_app
from mia_common.crypto import KeyRing
from mia_meta_ingest.config import MetaIngestSettings, get_settings
from mia_meta_ingest.media.consumer import MEDIA_FETCHER_KEY
from mia_meta_ingest.media.endpoints import router as media_router
from mia_meta_ingest.media.fetching import MediaFetcher
from mia_meta_ingest.media.graph import GraphMediaClient
from mia_meta_ingest.media.storage import storage_from_settings
from mia_meta_ingest.stream import create_ingest_broker
from mia_meta_ingest.webhook.endpoints import router as webhook_router

_GRAPH_HTTP_KEY = "graph_http"

__all__ = ["create_app"]


def create_app(settings: MetaIngestSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = create_service_app(
        settings,
        broker=None,
        routers=[webhook_router, media_router],
        runs_outbox_relay=False,
        on_shutdown=[_close_graph_client],
        title="Master IA meta-ingest",
    )
    # The subscriber writes through the context's session factory, built in the lifespan:
    # hand the broker the very context object the lifespan fills in.
    app.state.context.broker = create_ingest_broker(settings, app.state.context)
    # Parsed once (and so checked at start-up), not on every delivery.
    key_ring = app.state.context.extras["key_ring"] = KeyRing.from_settings(settings)
    # Built before the lifespan starts the broker: the media consumer may get an event at once.
    http = app.state.context.extras[_GRAPH_HTTP_KEY] = httpx.AsyncClient(
        timeout=httpx.Timeout(30.0, connect=5.0), follow_redirects=True
    )
    app.state.context.extras[MEDIA_FETCHER_KEY] = MediaFetcher(
        storage=storage_from_settings(settings),
        graph=GraphMediaClient(
            http, graph_url=settings.meta_graph_url, version=settings.meta_graph_version
        ),
        key_ring=key_ring,
        max_bytes=settings.media_max_bytes,
    )
    app.dependency_overrides[get_settings] = lambda: settings
    return app


async def _close_graph_client(ctx: ServiceContext) -> None:
    http = ctx.extras.pop(_GRAPH_HTTP_KEY, None)
    if http is not None:
        await http.aclose()
