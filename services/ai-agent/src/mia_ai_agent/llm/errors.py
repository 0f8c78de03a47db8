"""How a call to the tenant's model fails, and what the model settings API refuses.

``ModelUnavailable`` is for the code that calls the model in a conversation: it names why
(``reason``), so the bot hands the conversation to people instead of crashing, and says
what the provider said (``detail``: its message, never the key). The ``AppError``
subclasses are the HTTP answers of ``/api/v1/ai/model``.
"""

from __future__ import annotations

from enum import StrEnum

from mia_ai_agent.llm.results import TokenUsage
from mia_common.errors import AppError

__all__ = [
    "ModelNotConfigured",
    "ModelProviderError",
    "ModelProviderTimeout",
    "ModelSettingsConflict",
    "ModelUnavailable",
    "ModelUrlRefused",
    "UnavailableReason",
]


class UnavailableReason(StrEnum):
    AUTH = "auth"  # 401/403: the key is wrong, revoked, or not allowed this model
    RATE_LIMITED = "rate_limited"  # 429 still after the retries the wait cap allows
    QUOTA = "quota"  # 429 insufficient_quota: no credit left, retrying cannot help
    TIMEOUT = "timeout"  # no answer within the tenant's timeout
    BAD_REQUEST = "bad_request"  # 400/422: the prompt is too long, a parameter refused
    NOT_FOUND = "not_found"  # 404: no such model (or deployment) at this endpoint
    SERVER = "server"  # 5xx still after the retries
    UNREACHABLE = "unreachable"  # no connection to the endpoint at all
    BAD_OUTPUT = "bad_output"  # an answer, but not valid JSON for the schema asked for


class ModelUnavailable(Exception):
    def __init__(
        self,
        reason: UnavailableReason,
        detail: str,
        *,
        status: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
        usage: TokenUsage | None = None,
    ) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail
        self.status = status
        self.code = code
        self.retry_after = retry_after
        # Tokens the provider charged although the answer was unusable (bad_output).
        self.usage = usage


class ModelNotConfigured(AppError):
    status_code = 404
    title = "No model is configured"

    def __init__(self) -> None:
        super().__init__(
            "this company has no model endpoint; personas answer from the knowledge base",
            code="model_not_configured",
        )


class ModelSettingsConflict(AppError):
    status_code = 409
    title = "The model settings changed at the same time"

    def __init__(self) -> None:
        super().__init__(
            "someone saved the model settings at the same moment; try again",
            code="model_settings_conflict",
        )


class ModelUrlRefused(AppError):
    status_code = 422
    title = "The model endpoint's address is refused"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, code="model_url_refused")


class ModelProviderError(AppError):
    """The endpoint answered with an error: its message, passed on."""

    status_code = 502
    title = "The model endpoint refused the call"

    def __init__(self, failure: ModelUnavailable) -> None:
        super().__init__(
            failure.detail,
            code="model_provider_error",
            reason=failure.reason.value,
            provider_status=failure.status,
            provider_code=failure.code,
        )


class ModelProviderTimeout(AppError):
    status_code = 504
    title = "The model endpoint did not answer in time"

    def __init__(self, failure: ModelUnavailable) -> None:
        super().__init__(failure.detail, code="model_timeout", reason=failure.reason.value)
