"""OpenAI's errors as api.openai.com renders them: ``{"error": {message, type, param,
code}}`` with the HTTP status, and on 429 the ``retry-after`` and ``x-ratelimit-*``
headers, so a client's error handling runs against the real shape."""

from __future__ import annotations

import math
from typing import Any

from fastapi.responses import JSONResponse

__all__ = [
    "OpenAIError",
    "context_length_exceeded",
    "invalid_api_key",
    "invalid_request",
    "model_not_found",
    "rate_limited",
    "server_error",
]


class OpenAIError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def _masked(key: str) -> str:
    # OpenAI shows the start and the last four characters of a refused key.
    return f"{key[:3]}{'*' * 8}{key[-4:]}" if len(key) > 8 else "*" * len(key)


def invalid_api_key(key: str | None) -> OpenAIError:
    if not key:
        return OpenAIError(
            401,
            "You didn't provide an API key. You need to provide your API key in an"
            " Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            code=None,
        )
    return OpenAIError(
        401,
        f"Incorrect API key provided: {_masked(key)}. You can find your API key at"
        " https://platform.openai.com/account/api-keys.",
        code="invalid_api_key",
    )


def model_not_found(model: str) -> OpenAIError:
    return OpenAIError(
        404,
        f"The model `{model}` does not exist or you do not have access to it.",
        code="model_not_found",
    )


def invalid_request(
    message: str, *, param: str | None = None, code: str | None = None
) -> OpenAIError:
    return OpenAIError(400, message, param=param, code=code)


def context_length_exceeded(limit: int, used: int) -> OpenAIError:
    return OpenAIError(
        400,
        f"This model's maximum context length is {limit} tokens. However, your messages"
        f" resulted in {used} tokens. Please reduce the length of the messages.",
        param="messages",
        code="context_length_exceeded",
    )


def rate_limited(
    model: str,
    *,
    retry_after: float = 1.0,
    retry_after_ms: int | None = None,
    message: str | None = None,
) -> OpenAIError:
    seconds = max(0.0, retry_after)
    headers = {
        # Whole seconds, as OpenAI sends it; the precise figure in retry-after-ms when set.
        "retry-after": str(math.ceil(seconds)),
        "x-ratelimit-limit-requests": "500",
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-reset-requests": f"{seconds:g}s",
        "x-ratelimit-limit-tokens": "200000",
        "x-ratelimit-remaining-tokens": "0",
        "x-ratelimit-reset-tokens": f"{seconds:g}s",
    }
    if retry_after_ms is not None:
        headers["retry-after-ms"] = str(retry_after_ms)
    return OpenAIError(
        429,
        message
        or f"Rate limit reached for {model} in organization org-fake on requests per min"
        f" (RPM): Limit 500, Used 500, Requested 1. Please try again in {seconds:g}s.",
        type="requests",
        code="rate_limit_exceeded",
        headers=headers,
    )


def server_error(status: int = 500, message: str | None = None) -> OpenAIError:
    default = (
        "The server is overloaded or not ready yet."
        if status == 503
        else "The server had an error while processing your request. Sorry about that!"
    )
    return OpenAIError(status, message or default, type="server_error")
