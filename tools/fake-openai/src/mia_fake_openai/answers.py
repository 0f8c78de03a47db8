"""What the fake says when no test scripted an answer: deterministic and sensible, so a
local run on it works.

- a named ``tool_choice`` (or ``"required"``) calls that tool (the first) with the
  smallest arguments its parameters accept;
- structured output answers the smallest object valid against the schema;
- after a tool result, it acknowledges the result;
- otherwise it quotes the first passage under a "Context" heading of the system or user
  messages (what a RAG prompt carries), or else the customer's last message.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from mia_fake_openai.schema_values import minimal_value
from mia_fake_openai.tokens import message_text

__all__ = ["DefaultAnswer", "default_answer", "first_context_passage"]

_CONTEXT_HEADING = re.compile(
    r"^\s*(?:#+\s*)?(?:context|contexto|knowledge)\b[^\n:]*:?\s*(.*)$", re.I
)
_PASSAGE_MARKER = re.compile(r"^\s*(?:\[\d+\]|\d+[.)]|[-*•])\s*")
_TAGGED_PASSAGE = re.compile(
    r"<(knowledge|context|passage|document|source)\b[^>]*>(.*?)</\1>", re.I | re.S
)
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_QUOTE_CHARS = 300


@dataclass(frozen=True, slots=True)
class DefaultAnswer:
    content: str | None
    tool_calls: list[tuple[str, dict[str, Any]]]


def first_context_passage(messages: list[dict[str, Any]]) -> str | None:
    """A passage in tags (``<knowledge source="FAQ">...</knowledge>``, ``<context>``...)
    first, as prompts that fence their passages write them; else the first paragraph under
    a "Context" (or "Knowledge") heading."""
    for message in messages:
        if message.get("role") in ("system", "developer", "user"):
            tagged = _TAGGED_PASSAGE.search(message_text(message))
            if tagged and tagged.group(2).strip():
                return " ".join(tagged.group(2).split())[:_QUOTE_CHARS]
    for message in messages:
        if message.get("role") not in ("system", "developer", "user"):
            continue
        lines = message_text(message).splitlines()
        for index, line in enumerate(lines):
            heading = _CONTEXT_HEADING.match(line)
            if heading is None:
                continue
            passage: list[str] = [heading.group(1)] if heading.group(1).strip() else []
            for following in lines[index + 1 :]:
                if not following.strip():
                    if passage:
                        break
                    continue
                passage.append(following)
            text = _PASSAGE_MARKER.sub("", " ".join(part.strip() for part in passage)).strip()
            if text:
                return text[:_QUOTE_CHARS]
    return None


def _text_reply(messages: list[dict[str, Any]]) -> str:
    if messages and messages[-1].get("role") == "tool":
        return f"Noted: {message_text(messages[-1])[:_QUOTE_CHARS]}"
    passage = first_context_passage(messages)
    if passage:
        return passage
    last_user = next((m for m in reversed(messages) if m.get("role") == "user"), None)
    # Without the tags a prompt may fence the customer's words in (<customer>...).
    said = _TAG.sub("", message_text(last_user)).strip()[:_QUOTE_CHARS] if last_user else ""
    return f'You said: "{said}"' if said else "Hello! How can I help?"


def default_answer(body: dict[str, Any]) -> DefaultAnswer:
    messages: list[dict[str, Any]] = body.get("messages", [])
    tools = [t for t in body.get("tools") or [] if t.get("type") == "function"]
    choice = body.get("tool_choice")
    text = _text_reply(messages)
    if tools and choice is not None and choice not in ("auto", "none"):
        if isinstance(choice, dict):
            name = choice.get("function", {}).get("name")
            tool = next(t for t in tools if t["function"]["name"] == name)
        else:  # "required"
            tool = tools[0]
        function = tool["function"]
        arguments = minimal_value(function.get("parameters") or {"type": "object"}, text=text)
        return DefaultAnswer(
            None, [(function["name"], arguments if isinstance(arguments, dict) else {})]
        )
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        schema = response_format["json_schema"].get("schema", {"type": "object"})
        return DefaultAnswer(json.dumps(minimal_value(schema, text=text), ensure_ascii=False), [])
    if response_format.get("type") == "json_object":
        return DefaultAnswer(json.dumps({"answer": text}, ensure_ascii=False), [])
    return DefaultAnswer(text, [])
