"""The tools a generative persona may call. Each is an auditable action: recorded in the
run, and those that change the crm leave as ``ai.action`` (tag, field, close) or
``ai.lead_update`` (stage) events the crm applies with the persona as the actor."""

from __future__ import annotations

from typing import Any

__all__ = ["TOOLS"]


def _tool(
    name: str, description: str, properties: dict[str, Any], required: list[str]
) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": False,
            },
        },
    }


TOOLS: list[dict[str, Any]] = [
    _tool(
        "handoff_to_human",
        "Give the conversation to a person of the team (the customer asks for one, or you"
        " cannot answer from the knowledge).",
        {"reason": {"type": "string"}},
        ["reason"],
    ),
    _tool(
        "search_knowledge_base",
        "Search the company's knowledge for passages about a question.",
        {"query": {"type": "string"}},
        ["query"],
    ),
    _tool(
        "add_tag",
        "Tag the customer (a word such as 'vip' or 'interested').",
        {"tag": {"type": "string"}},
        ["tag"],
    ),
    _tool(
        "set_contact_field",
        "Record something the customer told about themselves (email, a custom field).",
        {"key": {"type": "string"}, "value": {"type": "string"}},
        ["key", "value"],
    ),
    _tool(
        "move_lead_to_stage",
        "Move the customer's lead to a stage of the board (its id), with why.",
        {"stage_id": {"type": "string"}, "reason": {"type": "string"}},
        ["stage_id", "reason"],
    ),
    _tool("close_conversation", "Close the conversation once the customer is served.", {}, []),
]
