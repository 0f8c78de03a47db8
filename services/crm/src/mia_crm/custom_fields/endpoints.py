"""``/api/v1/custom-fields``: custom field definitions of a tenant; values live on contacts."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/custom-fields", tags=["custom fields"])
