"""``/api/v1/duplicates``: merge suggestions for contacts that look like one person, and merges."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/duplicates", tags=["duplicates"])
