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

from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, Field

__all__ = [
    "NO_NUL_PATTERN",
    "NUL",
    "REPLACEMENT",
    "ApiStr",
    "api_str",
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
