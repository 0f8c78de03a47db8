"""What one call to the model gave: the answer, the tools it called, the tokens it cost."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = ["ChatResult", "TokenUsage", "ToolCall"]


@dataclass(frozen=True, slots=True)
class TokenUsage:
    prompt_tokens: int
    completion_tokens: int = 0
    calls: int = 1

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.calls + other.calls,
        )


@dataclass(frozen=True, slots=True)
class ToolCall:
    id: str
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ChatResult:
    content: str | None
    tool_calls: list[ToolCall]
    finish_reason: str
    usage: TokenUsage
    model: str
    # Structured output, already checked against the schema the call asked for.
    parsed: dict[str, Any] | None = None

    def assistant_message(self) -> dict[str, Any]:
        """This answer as the next request's history entry (a tool round trip needs it)."""
        message: dict[str, Any] = {"role": "assistant", "content": self.content}
        if self.tool_calls:
            message["tool_calls"] = [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
                }
                for call in self.tool_calls
            ]
        return message
