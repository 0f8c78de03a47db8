"""The personas API's refusals (problem+json through mia_common.errors)."""

from __future__ import annotations

from mia_ai_agent.errors import AiAgentError

__all__ = [
    "ChannelAccountTaken",
    "KnowledgeBaseUnknown",
    "PersonaInvalid",
    "PersonaNotFound",
    "PersonaVersionStale",
]


class PersonaNotFound(AiAgentError):
    # Also what another tenant's id gets: a 403 would confirm that the id exists.
    status_code = 404
    title = "Not found"
    code = "persona_not_found"


class ChannelAccountTaken(AiAgentError):
    status_code = 409
    title = "Number served by another persona"
    code = "channel_account_taken"


class KnowledgeBaseUnknown(AiAgentError):
    status_code = 422
    title = "Unknown knowledge base"
    code = "knowledge_base_unknown"


class PersonaVersionStale(AiAgentError):
    status_code = 409
    title = "Persona changed meanwhile"
    code = "persona_version_stale"


class PersonaInvalid(AiAgentError):
    status_code = 422
    title = "Invalid persona"
    code = "persona_invalid"
