"""The ai-agent app: ``uvicorn --factory mia_ai_agent.main:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from mia_ai_agent.config import AiAgentSettings, get_settings
from mia_ai_agent.context import AiAgentContext
from mia_ai_agent.conversations.endpoints import router as conversations_router
from mia_ai_agent.knowledge.endpoints import router as knowledge_router
from mia_ai_agent.leads.endpoints import router as leads_router
from mia_ai_agent.llm.endpoints import router as llm_router
from mia_ai_agent.personas.endpoints import router as personas_router
from mia_ai_agent.stream import create_router
from mia_ai_agent.usage.endpoints import router as usage_router
from mia_common.app import build_infrastructure, create_service_app

__all__ = ["create_app"]


def create_app(settings: AiAgentSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    # replies, handoffs and usage leave through the outbox: every process runs the relay.
    infra = build_infrastructure(settings, client_id="ai-agent", outbox_relay=True)
    context = AiAgentContext.build(settings, infra)
    infra.broker.include_router(create_router(context))
    return create_service_app(
        context,
        routers=[
            personas_router,
            knowledge_router,
            conversations_router,
            leads_router,
            llm_router,
            usage_router,
        ],
        on_startup=[
            context.check_identity_secret,
            context.ensure_produced_topics,
            context.indexing.start,
            context.turns.start,
            context.delivery.start,
            context.leads.start,
        ],
        on_shutdown=[
            context.leads.stop,
            context.delivery.stop,
            context.turns.stop,
            context.indexing.stop,
            context.close,
        ],
        title="Master IA ai-agent",
        description="Personas, knowledge bases, the bot in conversations: /api/v1/ai/...",
        version="1",
    )
