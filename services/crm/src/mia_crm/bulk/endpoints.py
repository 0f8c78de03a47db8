"""``/api/v1/contacts/bulk``: bulk actions on a selection or a filter, run as jobs."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/contacts/bulk", tags=["bulk actions"])
