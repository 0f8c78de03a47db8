"""What the usage API refuses."""

from __future__ import annotations

from datetime import date

from mia_common.errors import AppError

__all__ = ["UsageRangeInvalid"]


class UsageRangeInvalid(AppError):
    status_code = 422
    title = "The range of days cannot be read"

    def __init__(self, first: date, last: date, max_days: int) -> None:
        super().__init__(
            f"from {first} to {last}: 'to' must not be before 'from', and at most {max_days} days",
            code="usage_range_invalid",
        )
