"""``/api/v1/tags``: tags: per tenant, coloured, many per contact."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/tags", tags=["tags"])
