"""The media errors a user sees as problem+json."""

from __future__ import annotations

from mia_common.errors import AppError

__all__ = ["MediaUnavailable"]


class MediaUnavailable(AppError):
    status_code = 410
    title = "Media no longer available"
