"""Substring search as every list with a ``q`` does it: ``ILIKE '%text%'``.

A pg_trgm GIN index on the column serves these patterns once the text has three characters
or more (the crm's searched columns have one); a list scoped to one parent (a campaign's
recipients) is narrow enough without.
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
