"""The crm's API text: ``ApiStr`` (no U+0000) with the rules the crm's bodies add.

Each type says its rule in the document (a ``pattern``, a schema) and enforces it with the
same definition, so a request a client builds from the document is one the API accepts:

- ``NonBlankApiStr``: something other than white space (notes, replies, names);
- ``EmailApiStr``: one ``@``, a dot in the domain, no spaces (white space around it is
  trimmed);
- ``ApiJson``: any JSON whose strings (object keys too) hold no U+0000 (the template
  components passed on to Meta as they are).

White space is one explicit set of characters rather than a regex's ``\\s``: Python's and
JavaScript's differ (``\\x1c``-``\\x1f``, ``\\ufeff``), and both must read the pattern alike.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any, Final, Union

from pydantic import AfterValidator, Field, GetJsonSchemaHandler, ValidationError, WrapValidator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema
from typing_extensions import TypeAliasType

from mia_common.text import NUL, ApiStr

__all__ = ["SPACE", "ApiJson", "ApiJsonObject", "EmailApiStr", "NonBlankApiStr", "is_blank"]

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


class _KeysWithoutNul:
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
            Annotated[dict[ApiStr, "ApiJson"], _KeysWithoutNul()],
            None,
        ],
    )
    ApiJsonObject = Annotated[
        dict[ApiStr, ApiJson], _KeysWithoutNul(), WrapValidator(_one_error_for_nul)
    ]
"""``ApiJsonObject``: a JSON object of any shape, no U+0000 in any of its strings."""
