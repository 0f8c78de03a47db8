"""The crm app: ``uvicorn --factory mia_crm.main:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from mia_common.app import build_infrastructure, create_service_app
from mia_crm.bulk.endpoints import router as bulk_router
from mia_crm.config import CrmSettings, get_settings
from mia_crm.consent.endpoints import router as consent_router
from mia_crm.contacts.endpoints import router as contacts_router
from mia_crm.context import CrmContext
from mia_crm.conversations.endpoints import router as conversations_router
from mia_crm.custom_fields.endpoints import router as custom_fields_router
from mia_crm.duplicates.endpoints import router as duplicates_router
from mia_crm.exports.endpoints import router as exports_router
from mia_crm.imports.endpoints import router as imports_router
from mia_crm.jobs.endpoints import router as jobs_router
from mia_crm.leads.endpoints import router as leads_router
from mia_crm.messages.endpoints import router as messages_router
from mia_crm.notes.endpoints import router as notes_router
from mia_crm.pipelines.endpoints import router as pipelines_router
from mia_crm.privacy.endpoints import router as privacy_router
from mia_crm.segments.endpoints import router as segments_router
from mia_crm.segments.internal import router as segments_internal_router
from mia_crm.stream import create_inbound_consumer, create_router
from mia_crm.tags.endpoints import router as tags_router
from mia_crm.tenant_settings.endpoints import router as tenant_settings_router
from mia_crm.timeline.endpoints import router as timeline_router

__all__ = ["create_app"]


def create_app(settings: CrmSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    # The crm stores and announces through its outbox (replies, inbox events): every crm
    # process runs the relay.
    infra = build_infrastructure(settings, client_id="crm", outbox_relay=True)
    context = CrmContext.build(settings, infra)
    infra.broker.include_router(create_router(context))
    inbound = create_inbound_consumer(context)
    # No app.dependency_overrides: with any override set, FastAPI rebuilds every
    # dependency of every request (the inbox list cost 4.8 ms of CPU with one, 3.1 ms
    # without). Identity tokens are checked with the platform settings read from the same
    # environment; start-up refuses settings whose identity secret differs from them.
    return create_service_app(
        context,
        routers=[
            conversations_router,
            messages_router,
            notes_router,
            # bulk before contacts: /contacts/bulk must not read as /contacts/{contact_id}
            bulk_router,
            contacts_router,
            tags_router,
            custom_fields_router,
            consent_router,
            tenant_settings_router,
            privacy_router,
            pipelines_router,
            leads_router,
            segments_router,
            segments_internal_router,
            jobs_router,
            imports_router,
            exports_router,
            timeline_router,
            duplicates_router,
        ],
        on_startup=[
            context.check_identity_secret,
            context.ensure_produced_topics,
            inbound.start,
            context.jobs.start,
        ],
        on_shutdown=[context.jobs.stop, inbound.stop, context.close_clients],
        title="Master IA crm",
        description="The inbox and the contacts: /api/v1/inbox/... and /api/v1/contacts/...",
        version="1",
    )
