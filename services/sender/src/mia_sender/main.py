"""The sender app: ``uvicorn --factory mia_sender.main:create_app``.

One process runs everything: the accounts API (with each number's templates and alerts),
the Twilio webhooks, the three Kafka consumers, the dispatch scheduler with its
per-account dispatchers, and the outbox relay. On shutdown (SIGTERM) the consumers stop
first, the dispatchers put back what they claimed but did not call, wait for the calls in
flight and record them, and the outbox is flushed before the relay stops.
"""

from __future__ import annotations

from fastapi import FastAPI

from mia_common.app import create_service_app
from mia_sender.accounts.endpoints import router as accounts_router
from mia_sender.alerts.endpoints import router as alerts_router
from mia_sender.config import SenderSettings, get_settings
from mia_sender.context import SenderContext
from mia_sender.sms.endpoints import create_router as create_sms_router
from mia_sender.stream import create_batch_consumers, create_router
from mia_sender.templates.endpoints import router as templates_router

__all__ = ["create_app"]


def create_app(settings: SenderSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    context = SenderContext.build(settings)
    context.infra.broker.include_router(create_router(context))
    context.consumers.extend(create_batch_consumers(context))
    app = create_service_app(
        context,
        routers=[
            accounts_router,
            templates_router,
            alerts_router,
            create_sms_router(context.twilio_webhooks),
        ],
        on_startup=[context.check_identity_secret, context.start],
        on_shutdown=[context.stop],
        title="Master IA sender",
    )
    # No app.dependency_overrides: with any override set, FastAPI rebuilds every
    # dependency of every request. Identity tokens are checked with the platform settings
    # read from the same environment, and start-up refuses settings that disagree on the
    # identity secret (``check_identity_secret``).
    return app
