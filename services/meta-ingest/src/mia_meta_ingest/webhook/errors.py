"""The webhook errors Meta sees (as problem+json)."""

from __future__ import annotations

from mia_common.errors import AppError

__all__ = ["PayloadTooLarge"]


class PayloadTooLarge(AppError):
    status_code = 413
    title = "Payload too large"
