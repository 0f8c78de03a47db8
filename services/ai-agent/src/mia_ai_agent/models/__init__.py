"""ai-agent's tables, one module per feature."""

from mia_ai_agent.models import conversation, knowledge, persona, provider, usage

__all__ = ["conversation", "knowledge", "persona", "provider", "usage"]
