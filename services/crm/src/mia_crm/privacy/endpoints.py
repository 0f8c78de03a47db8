"""``/api/v1/contacts``: a contact's data export (everything we hold, as JSON) and erasure."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/contacts", tags=["privacy"])
