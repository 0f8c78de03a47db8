"""Keyset pagination over UUIDv7 ids: stable under inserts, cheap at any depth."""

from __future__ import annotations

import uuid
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

__all__ = ["Page", "PageParams", "PageQuery", "fetch_page"]

T = TypeVar("T")
M = TypeVar("M")


class PageParams(BaseModel):
    limit: int = Field(default=50, ge=1, le=200)
    after: uuid.UUID | None = Field(default=None, description="the next_cursor of the last page")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: uuid.UUID | None = Field(description="pass as `after` for the next page")


PageQuery = Annotated[PageParams, Query()]


async def fetch_page(
    session: AsyncSession,
    query: Select[M],
    page: PageParams,
    *,
    key: InstrumentedAttribute[uuid.UUID],
    newest_first: bool = False,
) -> tuple[list[M], uuid.UUID | None]:
    """One page of ``query`` ordered by ``key``, and the cursor of the next (None at the end)."""
    ordered = query.order_by(key.desc() if newest_first else key).limit(page.limit + 1)
    if page.after is not None:
        ordered = ordered.where(key < page.after if newest_first else key > page.after)
    rows = list((await session.scalars(ordered)).all())
    if len(rows) <= page.limit:
        return rows, None
    rows = rows[: page.limit]
    return rows, getattr(rows[-1], key.key)
