"""SQL for a batch's many keys, each list bound as one array.

``column IN (:a, :b, ...)`` renders a different statement for every batch size, and
asyncpg prepares each new text again (a round trip and a parse per batch). Bound as
arrays, the statement's text is the same whatever the batch holds, so it is prepared once
per connection: ``= ANY(:values)`` for one column, ``IN (SELECT unnest(...), unnest(...))``
for keys of several columns (PostgreSQL zips the set-returning functions of one select
list), and ``INSERT ... SELECT unnest(...), ...`` for many rows (``unnested``; a VALUES
list, as SQLAlchemy's "insertmanyvalues" renders one, is again a text per row count).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, Text, any_, cast, func, literal, select, tuple_
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import InstrumentedAttribute

__all__ = ["one_of", "rows_in", "unnested"]


def _array(column: InstrumentedAttribute[Any], values: Collection[Any]) -> ColumnElement[Any]:
    return literal(list(values), ARRAY(column.type))


def one_of(column: InstrumentedAttribute[Any], values: Collection[Any]) -> ColumnElement[bool]:
    """``column = ANY(:values)``; false for no values."""
    return column == any_(_array(column, values))


def rows_in(
    columns: Sequence[InstrumentedAttribute[Any]], keys: Collection[tuple[Any, ...]]
) -> ColumnElement[bool]:
    """``(columns) IN`` the ``keys``, tuples of values in the columns' order."""
    listed = list(keys)
    unnested = select(
        *(
            func.unnest(_array(column, [key[index] for key in listed]))
            for index, column in enumerate(columns)
        )
    )
    return tuple_(*columns).in_(unnested)


def unnested(
    columns: Sequence[InstrumentedAttribute[Any]], rows: Sequence[dict[str, Any]]
) -> Select[Any]:
    """``SELECT unnest(:column_1), unnest(:column_2), ...``: ``rows`` (dicts keyed by the
    columns' names) as a select to insert from. JSONB values travel as JSON text (NULL for
    None) and are cast back."""
    unnests: list[ColumnElement[Any]] = []
    for column in columns:
        values = [row[column.key] for row in rows]
        if isinstance(column.type, JSONB):
            texts = [None if value is None else json.dumps(value) for value in values]
            unnests.append(cast(func.unnest(literal(texts, ARRAY(Text()))), JSONB))
        else:
            unnests.append(func.unnest(_array(column, values)))
    return select(*unnests)
