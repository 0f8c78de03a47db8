"""ai-agent's tables, one module per feature."""

from mia_ai_agent.models import conversation, knowledge, persona, provider

__all__ = ["conversation", "knowledge", "persona", "provider"]
