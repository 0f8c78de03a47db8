"""``/internal/v1/...``: reads other services need from the gateway's data (not public).

Filled in by issue 11's assignment check (``GET /internal/v1/users/{user_id}``).
"""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
