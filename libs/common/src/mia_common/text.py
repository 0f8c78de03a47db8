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

__all__ = ["NUL", "REPLACEMENT", "ApiStr", "refuse_nul", "without_nul"]

NUL = "\x00"
REPLACEMENT = "\ufffd"
T = TypeVar("T")


def refuse_nul(value: str) -> str:
    if NUL in value:
        raise ValueError("must not contain the NUL character (U+0000)")
    return value


# The pattern documents the rule (a client generated from the document knows it); the
# validator enforces it with a message that names the character.
ApiStr = Annotated[
    str, Field(json_schema_extra={"pattern": "^[^\\u0000]*$"}), AfterValidator(refuse_nul)
]
"""A ``str`` of API input; combine it with other constraints:
``Annotated[ApiStr, Field(max_length=200)]``."""


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
