"""Shared pieces of the fake's answers: reading a JSON body the way OpenAI refuses a bad
one, the headers every OpenAI answer carries, and a scripted delay or error."""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any

from fastapi import Request

from mia_fake_openai.errors import OpenAIError, invalid_request, rate_limited, server_error
from mia_fake_openai.script import ScriptedError, ScriptedStep

__all__ = ["json_body", "openai_headers", "play_delay", "raise_scripted_error"]


async def json_body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise invalid_request(
            "We could not parse the JSON body of your request. (HINT: This likely means you"
            " aren't using your HTTP library correctly.)"
        ) from None
    if not isinstance(body, dict):
        raise invalid_request("The body of your request must be a JSON object.")
    return body


def openai_headers() -> dict[str, str]:
    return {
        "x-request-id": f"req_{secrets.token_hex(16)}",
        "openai-version": "2020-10-01",
        "openai-processing-ms": "1",
        "x-ratelimit-limit-requests": "500",
        "x-ratelimit-remaining-requests": "499",
        "x-ratelimit-reset-requests": "120ms",
        "x-ratelimit-limit-tokens": "200000",
        "x-ratelimit-remaining-tokens": "199000",
        "x-ratelimit-reset-tokens": "300ms",
    }


async def play_delay(request: Request, step: ScriptedStep | None) -> None:
    """Wait the step's delay, or less if the client went away (it timed out): the fake then
    stops at once instead of holding a task for nobody."""
    if step is None or step.delay_seconds <= 0:
        return
    loop = asyncio.get_running_loop()
    deadline = loop.time() + step.delay_seconds
    while (left := deadline - loop.time()) > 0:
        if await request.is_disconnected():
            return
        await asyncio.sleep(min(0.05, left))


def raise_scripted_error(step: ScriptedStep | None, model: str) -> None:
    if step is None or step.error is None:
        return
    error: ScriptedError = step.error
    if error.status == 429:
        limited = rate_limited(
            model,
            retry_after=1.0 if error.retry_after is None else error.retry_after,
            retry_after_ms=error.retry_after_ms,
            message=error.message,
        )
        # insufficient_quota is a 429 too (no credit left), with its own code and type.
        limited.code = error.code or limited.code
        limited.type = error.type or limited.type
        limited.param = error.param
        raise limited
    if error.status >= 500 and error.type is None and error.code is None:
        raise server_error(error.status, error.message)
    raise OpenAIError(
        error.status,
        error.message or f"scripted error {error.status}",
        type=error.type or ("server_error" if error.status >= 500 else "invalid_request_error"),
        param=error.param,
        code=error.code,
    )
