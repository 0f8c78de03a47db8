"""HTTP of the ai-agent's usage (filled in by its feature)."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/ai", tags=["usage"])
