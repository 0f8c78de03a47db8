"""The media errors a user sees as problem+json, and which download failure is which.

Modelled on the sender's reading of Meta's refusals: a refusal a person must act on
(an expired token) is a 502 that says so with Meta's own message, Meta away is a 503
(``Retry-After`` when Meta gave one) or a 504, media Meta no longer has is a 404.
"""

from __future__ import annotations

import math
from typing import Any

from mia_common.errors import AppError, Conflict, Forbidden, NotFound
from mia_meta_ingest.media.graph import (
    GraphBadAnswer,
    GraphRefused,
    GraphTimeout,
    GraphUnavailable,
    MediaDownloadError,
    MediaGone,
    MediaTooLarge,
)
from mia_meta_ingest.media.service import MediaErased, NoAccessToken

__all__ = [
    "MediaProviderError",
    "MediaProviderTimeout",
    "MediaProviderUnavailable",
    "problem_for",
]


class MediaProviderError(AppError):
    """Meta refused the download, or answered something unusable (502)."""

    status_code = 502
    title = "Meta did not hand over the media"


class MediaProviderUnavailable(AppError):
    status_code = 503
    title = "Meta is unavailable"


class MediaProviderTimeout(AppError):
    status_code = 504
    title = "Meta did not answer in time"


def problem_for(error: MediaDownloadError) -> AppError:
    """The problem a reader of the media gets for ``error``."""
    extra: dict[str, Any] = (
        {"meta_code": str(error.meta_code)} if error.meta_code is not None else {}
    )
    detail = error.detail
    if isinstance(error, MediaErased):
        return NotFound("no such media", code="media_not_found")
    if isinstance(error, MediaGone):
        return NotFound(detail, code="media_gone", **extra)
    if isinstance(error, MediaTooLarge):
        return Forbidden(detail, code="media_too_large")
    if isinstance(error, NoAccessToken):
        return Conflict(detail, code="media_no_access_token")
    if isinstance(error, GraphRefused):
        return MediaProviderError(detail, code="media_provider_refused", **extra)
    if isinstance(error, GraphTimeout):
        return MediaProviderTimeout(detail, code="media_provider_timeout")
    if isinstance(error, GraphUnavailable):
        headers = (
            {"Retry-After": str(max(1, math.ceil(error.retry_after)))}
            if error.retry_after is not None
            else None
        )
        return MediaProviderUnavailable(
            detail, headers=headers, code="media_provider_unavailable", **extra
        )
    if isinstance(error, GraphBadAnswer):
        return MediaProviderError(detail, code="media_provider_error")
    return MediaProviderError(detail, code="media_provider_error", **extra)
