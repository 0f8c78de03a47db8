"""``/api/v1/pipelines``: pipelines and their ordered stages."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/pipelines", tags=["pipelines"])
