"""Substring search as the inbox and the contact list do it: ``ILIKE '%text%'``.

The columns searched carry pg_trgm GIN indexes (migration 0001), which serve these
patterns once the text has three characters or more.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute

__all__ = ["contains"]

_ESCAPE = "\\"


def contains(column: InstrumentedAttribute[Any], text: str) -> ColumnElement[bool]:
    """``column ILIKE '%text%'``, with ``%`` and ``_`` in ``text`` taken literally."""
    escaped = (
        text.replace(_ESCAPE, _ESCAPE * 2).replace("%", f"{_ESCAPE}%").replace("_", f"{_ESCAPE}_")
    )
    return column.ilike(f"%{escaped}%", escape=_ESCAPE)
