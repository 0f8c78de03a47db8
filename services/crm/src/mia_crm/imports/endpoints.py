"""``/api/v1/imports``: cSV imports of contacts, streamed, run as jobs."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])
