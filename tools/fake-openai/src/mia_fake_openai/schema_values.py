"""The smallest sensible value a JSON schema accepts: what the fake answers for structured
output and tool arguments when no test scripted them.

Covers what OpenAI's strict mode allows (objects with every property required, arrays,
enums, ``anyOf``, ``$ref`` into ``$defs``, nullable unions, string formats). Strings take
``text`` where a field reads like the answer (``answer``, ``reply``...), so a persona run
on the fake says something.
"""

from __future__ import annotations

from typing import Any

__all__ = ["minimal_value"]

_TEXT_FIELDS = frozenset({"answer", "reply", "text", "message", "content", "response", "summary"})
_FORMATS = {
    "date-time": "2026-01-01T00:00:00Z",
    "date": "2026-01-01",
    "time": "00:00:00",
    "email": "someone@example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "uri": "https://example.com",
}


def minimal_value(
    schema: Any, *, text: str = "example", root: Any = None, field: str | None = None
) -> Any:
    root = schema if root is None else root
    if not isinstance(schema, dict):
        return None
    if "$ref" in schema:
        return minimal_value(_resolve(root, schema["$ref"]), text=text, root=root, field=field)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    for combinator in ("anyOf", "oneOf"):
        if schema.get(combinator):
            options = schema[combinator]
            # A nullable field still gets a value: null says nothing about the fake's output.
            chosen = next(
                (o for o in options if not (isinstance(o, dict) and o.get("type") == "null")),
                options[0],
            )
            return minimal_value(chosen, text=text, root=root, field=field)
    if schema.get("allOf"):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(_resolve(root, part["$ref"]) if "$ref" in part else part)
        return minimal_value(merged, text=text, root=root, field=field)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "string"
    if kind == "object":
        properties = schema.get("properties", {})
        required = schema.get("required", list(properties))
        return {
            name: minimal_value(properties.get(name, {}), text=text, root=root, field=name)
            for name in properties
            if name in required
        }
    if kind == "array":
        count = int(schema.get("minItems", 0))
        return [minimal_value(schema.get("items", {}), text=text, root=root) for _ in range(count)]
    if kind == "string":
        return _string(schema, text if field in _TEXT_FIELDS else "example")
    if kind == "integer":
        return int(_number(schema))
    if kind == "number":
        return _number(schema)
    if kind == "boolean":
        return False
    return None


def _string(schema: dict[str, Any], value: str) -> str:
    if schema.get("format") in _FORMATS:
        return _FORMATS[schema["format"]]
    minimum, maximum = int(schema.get("minLength", 0)), schema.get("maxLength")
    if len(value) < minimum:
        value = value + "x" * (minimum - len(value))
    if maximum is not None:
        value = value[: int(maximum)]
    return value


def _number(schema: dict[str, Any]) -> float:
    if "minimum" in schema:
        return float(schema["minimum"])
    if "exclusiveMinimum" in schema:
        return float(schema["exclusiveMinimum"]) + 1
    if "maximum" in schema and float(schema["maximum"]) < 0:
        return float(schema["maximum"])
    return 0.0


def _resolve(root: Any, ref: str) -> Any:
    if not ref.startswith("#/"):
        return {}
    node = root
    for part in ref[2:].split("/"):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return node
