"""The crm app: ``uvicorn --factory mia_crm.main:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from mia_common.app_legacy import create_service_app
from mia_common.identity import get_platform_settings
from mia_crm.config import CrmSettings, get_settings
from mia_crm.contacts.endpoints import router as contacts_router
from mia_crm.inbox.conversations import router as conversations_router
from mia_crm.inbox.messages import router as messages_router
from mia_crm.inbox.notes import router as notes_router
from mia_crm.stream import create_crm_broker, ensure_produced_topics

__all__ = ["create_app"]


def create_app(settings: CrmSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = create_service_app(
        settings,
        broker=None,
        routers=[conversations_router, messages_router, notes_router, contacts_router],
        # Replies leave through the outbox; the relay publishes what the requests commit.
        runs_outbox_relay=True,
        on_startup=[ensure_produced_topics],
        title="Master IA crm",
        description="The inbox and the contacts: /api/v1/inbox/... and /api/v1/contacts/...",
        version="1",
    )
    # The subscribers write through the context's session factory, built in the lifespan:
    # hand the broker the very context object the lifespan fills in.
    app.state.context.broker = create_crm_broker(settings, app.state.context)
    app.dependency_overrides[get_settings] = lambda: settings
    # Identity tokens are checked with this app's settings, not a second read of the env.
    app.dependency_overrides[get_platform_settings] = lambda: settings
    return app
