"""What the bot's endpoints refuse."""

from __future__ import annotations

from mia_ai_agent.errors import AiAgentError

__all__ = ["BotNotInConversation", "RunNotFound"]


class RunNotFound(AiAgentError):
    status_code = 404
    title = "No such run"
    code = "run_not_found"


class BotNotInConversation(AiAgentError):
    status_code = 404
    title = "No bot in this conversation"
    code = "bot_not_in_conversation"
