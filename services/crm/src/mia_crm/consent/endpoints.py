"""``/api/v1/contacts``: the consent ledger: per contact and channel, opted in or out, when, how, by whom."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/contacts", tags=["consent"])
