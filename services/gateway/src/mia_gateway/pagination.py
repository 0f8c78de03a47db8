"""Keyset pagination over UUIDv7 ids: stable under inserts, cheap at any depth."""

from __future__ import annotations

import uuid
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

__all__ = ["Page", "PageParams"]

T = TypeVar("T")


class PageParams(BaseModel):
    limit: int = Field(default=50, ge=1, le=200)
    after: uuid.UUID | None = Field(default=None, description="the next_cursor of the last page")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: uuid.UUID | None = Field(description="pass as `after` for the next page")


PageQuery = Annotated[PageParams, Query()]
