"""``/api/v1/jobs``: long-running work (imports, bulk actions, exports) with its progress."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])
