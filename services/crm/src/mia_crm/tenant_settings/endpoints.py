"""``/api/v1/crm/settings``: a tenant's crm settings: default country, consent rules, opt-out keywords."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/crm/settings", tags=["crm settings"])
