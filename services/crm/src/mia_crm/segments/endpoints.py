"""``/api/v1/segments``: saved filters over contacts, their live counts and members."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/segments", tags=["segments"])
