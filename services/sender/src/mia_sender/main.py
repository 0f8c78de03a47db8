"""The sender app: ``uvicorn --factory mia_sender.main:create_app``.

One process runs everything: the accounts API (with each number's templates), the three
Kafka consumers, the dispatch scheduler with its per-account dispatchers, and the outbox
relay. On shutdown (SIGTERM)
dispatchers stop claiming, put back what they claimed but did not call, wait for the calls
in flight and record them, and the outbox is flushed before the relay stops.
"""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from mia_common.app_legacy import ServiceContext, create_service_app
from mia_common.crypto import KeyRing
from mia_sender.accounts.endpoints import router as accounts_router
from mia_sender.accounts.lookup import sms_account_lookup
from mia_sender.alerts.endpoints import router as alerts_router
from mia_sender.config import SenderSettings, get_settings
from mia_sender.runtime import RUNTIME_KEY, SenderRuntime, build_runtime
from mia_sender.sms.webhooks import ACCOUNT_LOOKUP_KEY, PUBLIC_URL_KEY, TOPICS_KEY
from mia_sender.sms.webhooks import router as sms_webhooks_router
from mia_sender.stream import create_batch_consumers, create_sender_broker
from mia_sender.templates.endpoints import router as templates_router

__all__ = ["create_app"]

_SHUTDOWN_FLUSH_SECONDS = 5.0
CONSUMERS_KEY = "batch_consumers"


def create_app(settings: SenderSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    # Parsed once, and so checked at start-up.
    key_ring = KeyRing.from_settings(settings)

    async def start(context: ServiceContext) -> None:
        runtime = build_runtime(context, settings, key_ring)
        context.extras[RUNTIME_KEY] = runtime
        # What the Twilio webhooks (mia_sender.sms.webhooks) read from the context.
        context.extras[ACCOUNT_LOOKUP_KEY] = sms_account_lookup(
            runtime.session_factory, runtime.secrets
        )
        context.extras[PUBLIC_URL_KEY] = settings.public_url
        context.extras[TOPICS_KEY] = {
            "status": settings.status_topic,
            "inbound": settings.inbound_topic,
        }
        runtime.scheduler.start()
        runtime.ready.set()
        consumers = create_batch_consumers(settings, context, runtime)
        for consumer in consumers:
            await consumer.start()
        context.extras[CONSUMERS_KEY] = consumers

    async def stop(context: ServiceContext) -> None:
        runtime: SenderRuntime | None = context.extras.get(RUNTIME_KEY)
        if runtime is None:
            return
        # No new requests first; then the dispatchers finish what they started.
        for consumer in context.extras.get(CONSUMERS_KEY, []):
            await consumer.stop()
        await runtime.scheduler.stop()
        await runtime.registry.aclose()
        if context.relay is not None:
            # What the dispatchers recorded while stopping goes out now, not at next start.
            async with asyncio.timeout(_SHUTDOWN_FLUSH_SECONDS):
                while await context.relay.publish_pending():
                    pass

    app = create_service_app(
        settings,
        broker=None,
        routers=[accounts_router, templates_router, alerts_router, sms_webhooks_router],
        runs_outbox_relay=True,
        on_startup=[start],
        on_shutdown=[stop],
        title="Master IA sender",
    )
    # The subscribers reach the runtime through the very context the lifespan fills in.
    app.state.context.broker = create_sender_broker(settings, app.state.context)
    app.dependency_overrides[get_settings] = lambda: settings
    return app
