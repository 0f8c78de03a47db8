"""The ``openai`` SDK's exceptions, as the one ``ModelUnavailable`` our callers handle."""

from __future__ import annotations

import openai

from mia_ai_agent.llm.errors import ModelUnavailable, UnavailableReason
from mia_ai_agent.llm.retries import retry_after_seconds

__all__ = ["unavailable_from"]


def unavailable_from(error: openai.APIError) -> ModelUnavailable:
    if isinstance(error, openai.APITimeoutError):
        return ModelUnavailable(
            UnavailableReason.TIMEOUT, "the model endpoint did not answer in time"
        )
    if isinstance(error, openai.APIConnectionError):
        return ModelUnavailable(
            UnavailableReason.UNREACHABLE, f"could not reach the model endpoint ({error.message})"
        )
    if not isinstance(error, openai.APIStatusError):
        return ModelUnavailable(UnavailableReason.BAD_OUTPUT, error.message)
    status = error.status_code
    if status in (401, 403):
        reason = UnavailableReason.AUTH
    elif status == 404:
        reason = UnavailableReason.NOT_FOUND
    elif status == 429:
        quota = error.code == "insufficient_quota"
        reason = UnavailableReason.QUOTA if quota else UnavailableReason.RATE_LIMITED
    elif status >= 500:
        reason = UnavailableReason.SERVER
    else:
        reason = UnavailableReason.BAD_REQUEST
    return ModelUnavailable(
        reason,
        error.message,
        status=status,
        code=error.code,
        retry_after=retry_after_seconds(error.response.headers),
    )
