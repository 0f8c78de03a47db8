"""``/api/v1/exports``: contacts, a segment or a selection as CSV, streamed."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/exports", tags=["exports"])
