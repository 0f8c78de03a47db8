"""Keyset pagination with opaque cursors, newest first.

Like the gateway's pagination (``limit`` and a cursor; ``next_cursor`` is null on the last
page), but ordered by a timestamp with the UUIDv7 id as tie-breaker: the inbox sorts by
the last message's time, which changes, so the cursor carries both values. The cursor is
the (time, id) of the last row served, base64url-encoded; clients treat it as opaque.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from mia_crm.errors import InvalidCursor

__all__ = [
    "Cursor",
    "Limit",
    "Page",
    "decode_cursor",
    "encode_cursor",
    "keyset",
    "split_page",
]

T = TypeVar("T")
# Any SELECT: the helpers only add WHERE, ORDER BY and LIMIT, which keep its row type.
S = TypeVar("S", bound=Select[*tuple[Any, ...]])

Limit = Annotated[int, Query(ge=1, le=200, description="page size")]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="pass as the cursor for the next page")


class Cursor(BaseModel):
    at: datetime
    id: uuid.UUID


def encode_cursor(at: datetime, row_id: uuid.UUID) -> str:
    raw = f"{at.isoformat()}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> Cursor:
    try:
        padded = token + "=" * (-len(token) % 4)
        at, _, row_id = base64.urlsafe_b64decode(padded).decode().partition("|")
        return Cursor(at=datetime.fromisoformat(at), id=uuid.UUID(row_id))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor("the cursor is not one this API handed out") from None


def keyset(
    query: S,
    *,
    at: InstrumentedAttribute[datetime],
    row_id: InstrumentedAttribute[uuid.UUID],
    cursor: str | None,
    limit: int,
) -> S:
    """``query`` newest first from after ``cursor``, one row more than ``limit`` (to tell
    whether another page follows)."""
    if cursor is not None:
        after = decode_cursor(cursor)
        query = query.where(tuple_(at, row_id) < tuple_(after.at, after.id))
    return query.order_by(at.desc(), row_id.desc()).limit(limit + 1)


def split_page(
    rows: list[T], limit: int, cursor_of: Callable[[T], tuple[datetime, uuid.UUID]]
) -> tuple[list[T], str | None]:
    """The page's rows and the next cursor (None when ``rows`` held no extra row)."""
    if len(rows) <= limit:
        return rows, None
    page = rows[:limit]
    at, row_id = cursor_of(page[-1])
    return page, encode_cursor(at, row_id)
