"""The base of the ai-agent's refusals: problem+json with a stable ``code`` to switch on."""

from __future__ import annotations

from typing import Any, ClassVar

from mia_common.errors import AppError

__all__ = ["AiAgentError"]


class AiAgentError(AppError):
    code: ClassVar[str] = "ai_agent_error"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail, code=self.code, **extra)
