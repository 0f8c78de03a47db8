"""Text the platform stores: the NUL character (U+0000) never reaches PostgreSQL.

PostgreSQL refuses U+0000 in ``text`` and in ``jsonb``, so a string holding it fails the
whole statement: a 500 to an API caller, a message retried and dead-lettered on a topic.
Two rules, one per source:

- **API input** is the caller's to fix: ``ApiStr`` refuses the character with a 422 that
  names the field (FastAPI puts the location in the problem's ``errors``), in bodies,
  queries and paths alike.
- **Channel content** (what a customer wrote, a name or a payload a provider sent) is
  never refused or lost over it: ``without_nul`` replaces it with U+FFFD, the character
  Unicode keeps for "something was here", where such content is stored.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any, Final, TypeVar, Union

from pydantic import (
    AfterValidator,
    Field,
    GetJsonSchemaHandler,
    ValidationError,
    WrapValidator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema
from typing_extensions import TypeAliasType

__all__ = [
    "NO_NUL_PATTERN",
    "NUL",
    "REPLACEMENT",
    "SPACE",
    "ApiJson",
    "ApiJsonObject",
    "ApiStr",
    "EmailApiStr",
    "KeysWithoutNul",
    "NonBlankApiStr",
    "api_str",
    "is_blank",
    "refuse_nul",
    "without_nul",
]

NUL = "\x00"
REPLACEMENT = "\ufffd"
T = TypeVar("T")


def refuse_nul(value: str) -> str:
    if NUL in value:
        raise ValueError("must not contain the NUL character (U+0000)")
    return value


NO_NUL_PATTERN = "^[^\\u0000]*$"


def _document_no_nul(schema: dict[str, Any]) -> None:
    # A stricter pattern of the same field (which excludes NUL itself) is kept.
    schema.setdefault("pattern", NO_NUL_PATTERN)


# The pattern documents the rule (a client generated from the document knows it); the
# validator enforces it with a message that names the character.
# A dict, not the callable: pydantic merges dicts of several Field()s of one field, and
# drops a callable composed with a dict (a field adding its own json_schema_extra).
ApiStr = Annotated[
    str, Field(json_schema_extra={"pattern": NO_NUL_PATTERN}), AfterValidator(refuse_nul)
]
"""A ``str`` of API input; lengths combine with it: ``Annotated[ApiStr, Field(max_length=200)]``.
A ``pattern`` added that way is enforced but left out of the document (pydantic documents
only constraints placed before a validator): use ``api_str(pattern=...)`` for one."""


def api_str(**constraints: Any) -> Any:
    """``ApiStr`` with string constraints (``pattern``, ``min_length``...) that the
    document shows: ``code: api_str(pattern="^[a-z_]+$", max_length=40)``."""
    return Annotated[
        str,
        Field(**constraints, json_schema_extra=_document_no_nul),
        AfterValidator(refuse_nul),
    ]


def without_nul(value: T) -> T:
    """``value`` with U+0000 replaced in every string it holds (dict keys, lists and
    tuples included); anything without one is returned as it is."""
    return _scrub(value)  # type: ignore[no-any-return]


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace(NUL, REPLACEMENT) if NUL in value else value
    if isinstance(value, dict):
        return {_scrub(key): _scrub(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_scrub(item) for item in value)
    return value


SPACE: Final = (
    "\\t\\n\\x0b\\x0c\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f"
    "\\u205f\\u3000\\ufeff"
)
"""Every character Python (``str.isspace``) or JavaScript (``\\s``) counts as white space,
as the body of a regex character class."""

_NON_BLANK_PATTERN: Final = f"^[^\\u0000]*[^\\u0000{SPACE}][^\\u0000]*$"
_BLANK = re.compile(f"[{SPACE}]*")


def is_blank(value: str) -> bool:
    return _BLANK.fullmatch(value) is not None


def _not_blank(value: str) -> str:
    if is_blank(value):
        raise ValueError("must not be blank")
    return value


NonBlankApiStr = Annotated[
    ApiStr, Field(json_schema_extra={"pattern": _NON_BLANK_PATTERN}), AfterValidator(_not_blank)
]
"""An ``ApiStr`` with at least one character that is not white space."""

# Deliberately loose (one @, a dot in the domain, no spaces): mail servers are the real
# judges; this catches typos, not every RFC 5322 corner.
_ADDRESS_CHAR: Final = f"[^@\\u0000{SPACE}]"
_EMAIL_PATTERN: Final = (
    f"^[{SPACE}]*{_ADDRESS_CHAR}+@{_ADDRESS_CHAR}+\\.{_ADDRESS_CHAR}+[{SPACE}]*$"
)
_EMAIL = re.compile(_EMAIL_PATTERN)
_AROUND = re.compile(f"^[{SPACE}]+|[{SPACE}]+$")


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError("not an email address")
    return _AROUND.sub("", value).lower()


EmailApiStr = Annotated[
    ApiStr,
    Field(json_schema_extra={"format": "email", "pattern": _EMAIL_PATTERN}),
    AfterValidator(_email),
]
"""An email address, trimmed and lower-cased."""


class KeysWithoutNul:
    """Documents an object's keys as ``propertyNames`` (every key without U+0000), where
    pydantic would write ``patternProperties`` (which lets other keys through)."""

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler.resolve_ref_schema(handler(schema))
        patterns = json_schema.pop("patternProperties", None)
        if isinstance(patterns, dict) and len(patterns) == 1:
            [(pattern, values)] = patterns.items()
            json_schema["propertyNames"] = {"pattern": pattern}
            json_schema["additionalProperties"] = values
        return json_schema


def _one_error_for_nul(value: Any, handler: core_schema.ValidatorFunctionWrapHandler) -> Any:
    # Any JSON value matches the union but for a string holding U+0000; pydantic would list
    # every member of the union the value failed, where one line says what is wrong.
    try:
        return handler(value)
    except ValidationError:
        if _holds_nul(value):
            raise PydanticCustomError(
                "nul_character", "must not contain the NUL character (U+0000), keys included"
            ) from None
        raise


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


if TYPE_CHECKING:
    # mypy cannot follow a recursive TypeAliasType; the runtime one below is what validates.
    ApiJson = Any
    ApiJsonObject = dict[str, Any]
else:
    ApiJson = TypeAliasType(
        "ApiJson",
        Union[  # noqa: UP007  (evaluated at runtime, where | cannot name the alias itself)
            ApiStr,
            int,
            # JSON has no infinity, and PostgreSQL's jsonb would refuse it.
            Annotated[float, Field(allow_inf_nan=False)],
            bool,
            list["ApiJson"],
            Annotated[dict[ApiStr, "ApiJson"], KeysWithoutNul()],
            None,
        ],
    )
    ApiJsonObject = Annotated[
        dict[ApiStr, ApiJson], KeysWithoutNul(), WrapValidator(_one_error_for_nul)
    ]
"""``ApiJsonObject``: a JSON object of any shape, no U+0000 in any of its strings."""
