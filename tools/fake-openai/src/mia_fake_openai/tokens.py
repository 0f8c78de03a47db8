"""Token counts the fake reports: about four characters a token, as OpenAI's tokenizers
average on English text; deterministic, so a test can predict usage and costs."""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["count_text", "message_text", "prompt_tokens"]

_PER_MESSAGE = 4  # role and separators, as the chat format adds them
_PER_REPLY = 3


def count_text(text: str) -> int:
    return math.ceil(len(text) / 4) if text else 0


def message_text(message: dict[str, Any]) -> str:
    """The text of a message's content, whether a string or a list of parts."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            str(part.get("text", ""))
            for part in content
            if isinstance(part, dict) and part.get("type") == "text"
        )
    return ""


def prompt_tokens(messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None) -> int:
    total = _PER_REPLY
    for message in messages:
        total += _PER_MESSAGE + count_text(message_text(message))
        for call in message.get("tool_calls") or []:
            total += count_text(json.dumps(call.get("function", {}), separators=(",", ":")))
    if tools:
        total += count_text(json.dumps(tools, separators=(",", ":")))
    return total
