"""ai-agent's tables, one module per feature."""

from mia_ai_agent.models import (
    conversation,
    knowledge,
    lead_suggestion,
    persona,
    provider,
    usage,
)

__all__ = ["conversation", "knowledge", "lead_suggestion", "persona", "provider", "usage"]
