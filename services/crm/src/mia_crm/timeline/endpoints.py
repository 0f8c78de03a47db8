"""``/api/v1/contacts``: a contact's timeline: messages, notes, stage and consent changes, sends."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/contacts", tags=["timeline"])
