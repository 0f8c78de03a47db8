"""The campaigns app: ``uvicorn --factory mia_campaigns.main:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from mia_campaigns.cadences.endpoints import router as cadences_router
from mia_campaigns.campaigns.endpoints import router as campaigns_router
from mia_campaigns.config import CampaignsSettings, get_settings
from mia_campaigns.context import CampaignsContext
from mia_campaigns.stream import create_batch_consumers, create_router
from mia_campaigns.templates.endpoints import router as templates_router
from mia_common.app import build_infrastructure, create_service_app

__all__ = ["create_app"]


def create_app(settings: CampaignsSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    # campaigns sends and announces through its outbox: every process runs the relay.
    infra = build_infrastructure(settings, client_id="campaigns", outbox_relay=True)
    context = CampaignsContext.build(settings, infra)
    infra.broker.include_router(create_router(context))
    consumers = create_batch_consumers(context)
    return create_service_app(
        context,
        routers=[campaigns_router, templates_router, cadences_router],
        on_startup=[
            context.check_identity_secret,
            context.ensure_produced_topics,
            *(consumer.start for consumer in consumers),
            context.fan_out.start,
            context.cadence_timers.start,
            context.progress.start,
        ],
        on_shutdown=[
            context.progress.stop,
            context.cadence_timers.stop,
            context.fan_out.stop,
            *(consumer.stop for consumer in consumers),
            context.close,
        ],
        title="Master IA campaigns",
        description="Templates, campaigns and cadences: /api/v1/templates/...",
        version="1",
    )
