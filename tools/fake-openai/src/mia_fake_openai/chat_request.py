"""Checks of a chat completion request that OpenAI refuses with a 400, in its words: the
fake catches a malformed tool round trip or a schema strict mode rejects, as OpenAI would,
instead of answering what OpenAI never would."""

from __future__ import annotations

from typing import Any

from mia_fake_openai.errors import invalid_request
from mia_fake_openai.tokens import message_text

__all__ = ["check_chat_request"]

_ROLES = frozenset({"system", "developer", "user", "assistant", "tool"})


def check_chat_request(body: dict[str, Any]) -> None:
    if not isinstance(body.get("model"), str) or not body["model"]:
        raise invalid_request("you must provide a model parameter", param="model")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise invalid_request("[] is too short - 'messages'", param="messages")
    _check_messages(messages)
    temperature = body.get("temperature")
    if temperature is not None and not (
        isinstance(temperature, int | float) and 0 <= temperature <= 2
    ):
        raise invalid_request(
            "Invalid 'temperature': decimal above maximum value. Expected a value <= 2,"
            f" but got {temperature} instead.",
            param="temperature",
            code="decimal_above_max_value",
        )
    if body.get("max_tokens") is not None and body.get("max_completion_tokens") is not None:
        raise invalid_request(
            "max_tokens and max_completion_tokens cannot both be set", param="max_tokens"
        )
    for name in ("max_tokens", "max_completion_tokens"):
        value = body.get(name)
        if value is not None and (not isinstance(value, int) or value < 1):
            raise invalid_request(f"Invalid '{name}': integer below minimum value.", param=name)
    names = _check_tools(body.get("tools"))
    _check_tool_choice(body.get("tool_choice"), names)
    _check_response_format(body.get("response_format"), messages)
    if body.get("stream"):
        raise invalid_request(
            "the fake OpenAI server does not stream (stream=true)", param="stream"
        )


def _check_messages(messages: list[Any]) -> None:
    open_calls: set[str] = set()
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in _ROLES:
            raise invalid_request(
                f"Invalid value for 'messages[{index}].role'.", param=f"messages[{index}].role"
            )
        role = message["role"]
        if role == "assistant":
            open_calls = {call.get("id") for call in message.get("tool_calls") or []}
            if not message.get("tool_calls") and message.get("content") is None:
                raise invalid_request(
                    f"Invalid value for 'messages[{index}].content': expected a string, got null.",
                    param=f"messages[{index}].content",
                )
        elif role == "tool":
            call_id = message.get("tool_call_id")
            if call_id not in open_calls:
                raise invalid_request(
                    "Invalid parameter: messages with role 'tool' must be a response to a"
                    " preceeding message with 'tool_calls'.",
                    param=f"messages.[{index}].role",
                )
        else:
            open_calls = set()
            if not isinstance(message.get("content"), str | list):
                raise invalid_request(
                    f"Invalid value for 'messages[{index}].content': expected a string.",
                    param=f"messages[{index}].content",
                )
            message_text(message)


def _check_tools(tools: Any) -> set[str]:
    if tools is None:
        return set()
    if not isinstance(tools, list):
        raise invalid_request("Invalid type for 'tools': expected an array.", param="tools")
    names: set[str] = set()
    for index, tool in enumerate(tools):
        function = tool.get("function") if isinstance(tool, dict) else None
        if (
            not isinstance(tool, dict)
            or tool.get("type") != "function"
            or not isinstance(function, dict)
        ):
            raise invalid_request(
                f"Missing required parameter: 'tools[{index}].function'.",
                param=f"tools[{index}].function",
            )
        name = function.get("name")
        if not isinstance(name, str) or not name:
            raise invalid_request(
                f"Missing required parameter: 'tools[{index}].function.name'.",
                param=f"tools[{index}].function.name",
            )
        if function.get("strict") and function.get("parameters") is not None:
            _check_strict_schema(
                function["parameters"], f"tools[{index}].function.parameters", name
            )
        names.add(name)
    return names


def _check_tool_choice(choice: Any, names: set[str]) -> None:
    if choice is None or choice in ("auto", "none"):
        return
    if not names:
        raise invalid_request(
            "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools'"
            " are specified.",
            param="tool_choice",
        )
    if choice == "required":
        return
    name = choice.get("function", {}).get("name") if isinstance(choice, dict) else None
    if name not in names:
        raise invalid_request(
            f"Invalid value for 'tool_choice': function '{name}' not found in 'tools'.",
            param="tool_choice",
        )


def _check_response_format(response_format: Any, messages: list[dict[str, Any]]) -> None:
    if response_format is None:
        return
    kind = response_format.get("type") if isinstance(response_format, dict) else None
    if kind == "text":
        return
    if kind == "json_object":
        if not any("json" in message_text(m).lower() for m in messages):
            raise invalid_request(
                "'messages' must contain the word 'json' in some form, to use 'response_format'"
                " of type 'json_object'.",
                param="messages",
            )
        return
    if kind != "json_schema":
        raise invalid_request(
            "Invalid value for 'response_format.type'.", param="response_format.type"
        )
    spec = response_format.get("json_schema")
    if not isinstance(spec, dict) or not spec.get("name"):
        raise invalid_request(
            "Missing required parameter: 'response_format.json_schema.name'.",
            param="response_format.json_schema.name",
        )
    if spec.get("strict"):
        _check_strict_schema(spec.get("schema", {}), "response_format", spec["name"])


def _check_strict_schema(schema: Any, param: str, name: str) -> None:
    """Strict mode: every object closed (``additionalProperties: false``) and every property
    required, OpenAI's rule for structured outputs."""

    what = "response_format" if param == "response_format" else "function"

    def refuse(path: str, why: str) -> None:
        raise invalid_request(
            f"Invalid schema for {what} '{name}': In context={path}, {why}",
            param=param,
            code="invalid_json_schema",
        )

    def walk(node: Any, path: str) -> None:
        if not isinstance(node, dict):
            return
        kind = node.get("type")
        is_object = (
            kind == "object"
            or (isinstance(kind, list) and "object" in kind)
            or "properties" in node
        )
        if is_object:
            if node.get("additionalProperties") is not False:
                refuse(path, "'additionalProperties' is required to be supplied and to be false.")
            properties = node.get("properties", {})
            missing = [key for key in properties if key not in node.get("required", [])]
            if missing:
                refuse(
                    path,
                    "'required' is required to be supplied and to be an array including every key"
                    f" in properties. Missing '{missing[0]}'.",
                )
            for key, child in properties.items():
                walk(child, f"{path}, 'properties', '{key}'")
        if "items" in node:
            walk(node["items"], f"{path}, 'items'")
        for keyword in ("anyOf", "allOf", "oneOf"):
            for position, child in enumerate(node.get(keyword, [])):
                walk(child, f"{path}, '{keyword}', '{position}'")
        for defs in ("$defs", "definitions"):
            for key, child in node.get(defs, {}).items():
                walk(child, f"{path}, '{defs}', '{key}'")

    walk(schema, "()")
