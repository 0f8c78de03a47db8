"""The OpenAPI document tells every answer: problem+json for each error a service sends.

FastAPI documents an operation's success and a 422 as ``application/json`` with its own
validation-error schema, while our services answer every error as problem+json (RFC 9457,
``mia_common.errors``): a client generated from the document would not expect them. The
service app's document adds, to every operation, the problem answers any route may give
(``COMMON_PROBLEM_STATUSES``) and describes 422 as the problem it really is, with the
field errors. A route that answers something outside that set declares it:
``responses={410: PROBLEM_RESPONSE}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, Final

from fastapi import FastAPI

from mia_common.errors import PROBLEM_JSON

__all__ = [
    "COMMON_PROBLEM_STATUSES",
    "PROBLEM_RESPONSE",
    "PROBLEM_SCHEMA",
    "document_problems",
]

_PROBLEM_REF: Final = {"$ref": "#/components/schemas/Problem"}
PROBLEM_RESPONSE: Final[dict[str, Any]] = {
    "description": "A problem (RFC 9457)",
    "content": {PROBLEM_JSON: {"schema": _PROBLEM_REF}},
}
PROBLEM_SCHEMA: Final[dict[str, Any]] = {
    "title": "Problem",
    "description": "An error, as RFC 9457 problem details; `code` is stable for programs.",
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "For 422: each invalid field, where it is and why.",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {
                        "type": "array",
                        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                    },
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
    "additionalProperties": True,
}
# What any route may answer: a bad or unreadable request, no or a refused identity, a
# missing or another tenant's resource, a conflict with the current state, invalid
# fields, a rate limit, a server error and a dependency away.
COMMON_PROBLEM_STATUSES: Final = {
    400: "Bad request",
    401: "No valid identity",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict with the current state",
    422: "Invalid request: `errors` names each field",
    429: "Too many requests: see `Retry-After`",
    500: "Internal error",
    503: "A dependency is unavailable: try again later",
}
_HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def document_problems(app: FastAPI, *, statuses: Iterable[int] | None = None) -> None:
    """Make ``app.openapi()`` describe the problem answers of every operation."""
    build: Callable[[], dict[str, Any]] = app.openapi
    common = {
        status: COMMON_PROBLEM_STATUSES[status]
        for status in (statuses if statuses is not None else COMMON_PROBLEM_STATUSES)
    }

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()
        _add_problems(document, common)
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _add_problems(document: dict[str, Any], common: dict[int, str]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    for path_item in document.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in _HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in common.items():
                answer = responses.get(str(status))
                if answer is None or status == 422:
                    # FastAPI's 422 says application/json with its own schema: replaced.
                    responses[str(status)] = {
                        "description": description,
                        "content": {PROBLEM_JSON: {"schema": _PROBLEM_REF}},
                    }
    # Nothing points at FastAPI's validation-error schemas any more.
    for unused in ("HTTPValidationError", "ValidationError"):
        if unused in schemas and not _referenced(document, unused):
            del schemas[unused]


def _referenced(document: dict[str, Any], name: str) -> bool:
    schemas = document["components"]["schemas"]
    others = {key: value for key, value in schemas.items() if key != name}
    rest = {**document, "components": {**document["components"], "schemas": others}}
    return f'"#/components/schemas/{name}"' in json.dumps(rest)
