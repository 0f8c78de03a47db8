"""Keyset pagination with opaque cursors: the one way every list in every service pages.

A list takes ``limit`` (1-200, default 50) and ``cursor`` (the ``next_cursor`` of the page
before; absent for the first page) and answers ``{"items": [...], "next_cursor": ...}``,
``next_cursor`` being null on the last page. The cursor is the sort key of the last row
served (one or more columns, the last one a unique id as tie-breaker), base64url-encoded:
clients treat it as opaque, so the sort can change without breaking them. Stable under
inserts and as cheap at page 1,000 as at page 1, unlike offsets.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from mia_common.errors import AppError

__all__ = [
    "CursorParam",
    "InvalidCursor",
    "Limit",
    "Page",
    "PageParams",
    "PageQuery",
    "decode_cursor",
    "encode_cursor",
    "fetch_page",
    "keyset",
    "split_page",
]

T = TypeVar("T")
# Any SELECT: the helpers only add WHERE, ORDER BY and LIMIT, which keep its row type.
S = TypeVar("S", bound=Select[*tuple[Any, ...]])

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="page size")]
CursorParam = Annotated[
    str | None, Query(description="the next_cursor of the previous page; omit for the first")
]


class InvalidCursor(AppError):
    status_code = 400
    title = "Invalid cursor"

    def __init__(self) -> None:
        super().__init__("the cursor is not one this API handed out", code="invalid_cursor")


class PageParams(BaseModel):
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="page size")
    cursor: str | None = Field(
        default=None, description="the next_cursor of the previous page; omit for the first"
    )


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")


PageQuery = Annotated[PageParams, Query()]


def encode_cursor(values: Sequence[Any]) -> str:
    raw = "|".join(
        value.isoformat() if isinstance(value, datetime) else str(value) for value in values
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _parse(text: str, kind: type) -> Any:
    if kind is datetime:
        return datetime.fromisoformat(text)
    if kind is uuid.UUID:
        return uuid.UUID(text)
    if kind is int:
        return int(text)
    return text


def decode_cursor(token: str, kinds: Sequence[type]) -> tuple[Any, ...]:
    """The key values in ``token``, parsed as ``kinds``; ``InvalidCursor`` if it is not ours."""
    try:
        padded = token + "=" * (-len(token) % 4)
        parts = base64.urlsafe_b64decode(padded).decode().split("|")
        if len(parts) != len(kinds):
            raise ValueError("wrong number of key values")
        return tuple(_parse(part, kind) for part, kind in zip(parts, kinds, strict=True))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor from None


def _kind(column: InstrumentedAttribute[Any]) -> type:
    try:
        kind: type = column.type.python_type
    except NotImplementedError:
        kind = str
    return kind


def keyset(
    query: S,
    *,
    keys: Sequence[InstrumentedAttribute[Any]],
    cursor: str | None,
    limit: int,
    newest_first: bool = True,
) -> S:
    """``query`` ordered by ``keys`` from after ``cursor``, one row more than ``limit`` (to
    tell whether another page follows). The last key must be unique (the id)."""
    if cursor is not None:
        values = decode_cursor(cursor, [_kind(column) for column in keys])
        if len(keys) == 1:
            column, value = keys[0], values[0]
            query = query.where(column < value if newest_first else column > value)
        else:
            row, last = tuple_(*keys), tuple_(*values)
            query = query.where(row < last if newest_first else row > last)
    order = [column.desc() if newest_first else column.asc() for column in keys]
    return query.order_by(*order).limit(limit + 1)


def split_page(
    rows: Sequence[T], limit: int, cursor_of: Callable[[T], Sequence[Any]]
) -> tuple[list[T], str | None]:
    """The page's rows and the next cursor (None when ``rows`` held no extra row)."""
    if len(rows) <= limit:
        return list(rows), None
    page = list(rows[:limit])
    return page, encode_cursor(cursor_of(page[-1]))


async def fetch_page(
    session: AsyncSession,
    query: Select[Any],
    page: PageParams,
    *,
    keys: Sequence[InstrumentedAttribute[Any]],
    newest_first: bool = False,
) -> tuple[list[Any], str | None]:
    """One page of ORM rows of ``query`` ordered by ``keys``, and the next cursor."""
    ordered = keyset(
        query, keys=keys, cursor=page.cursor, limit=page.limit, newest_first=newest_first
    )
    rows = (await session.scalars(ordered)).all()
    return split_page(rows, page.limit, lambda row: [getattr(row, k.key) for k in keys])
