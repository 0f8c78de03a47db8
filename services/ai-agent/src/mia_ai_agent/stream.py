"""The Kafka side of the ai-agent (its consumers come with the conversation feature)."""

from __future__ import annotations

from faststream.kafka import KafkaRouter

from mia_ai_agent.context import AiAgentContext

__all__ = ["create_router"]


def create_router(context: AiAgentContext) -> KafkaRouter:
    del context
    return KafkaRouter()
