"""``/api/v1/leads``: leads: the cards of a pipeline board, their moves and stage history."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/leads", tags=["leads"])
