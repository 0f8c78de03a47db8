"""``POST /v1/chat/completions``: OpenAI's chat completion, answered from the test's script
or by ``answers.default_answer``, in the response shape of api.openai.com."""

from __future__ import annotations

import json
import secrets
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from mia_fake_openai.answers import default_answer
from mia_fake_openai.auth import api_key_of
from mia_fake_openai.chat_request import check_chat_request
from mia_fake_openai.context import FakeOpenAI, fake_of
from mia_fake_openai.errors import OpenAIError, context_length_exceeded, model_not_found
from mia_fake_openai.responses import json_body, openai_headers, play_delay, raise_scripted_error
from mia_fake_openai.script import ScriptedStep
from mia_fake_openai.tokens import count_text, prompt_tokens

__all__ = ["router"]

router = APIRouter()
FakeDep = Annotated[FakeOpenAI, Depends(fake_of)]


@router.post("/v1/chat/completions")
async def chat_completions(request: Request, fake: FakeDep) -> JSONResponse:
    key = api_key_of(request)
    body = await json_body(request)
    fake.scripts.record(key, "chat", request.url.path, body, dict(request.headers))
    check_chat_request(body)
    model = body["model"]
    card = fake.catalog.get(model)
    if card is None:
        raise model_not_found(model)
    if card.kind != "chat":
        raise OpenAIError(
            404,
            "This is not a chat model and thus not supported in the v1/chat/completions endpoint.",
            param="model",
        )
    step = fake.scripts.next_step(key, "chat")
    await play_delay(request, step)
    raise_scripted_error(step, model)
    prompt = prompt_tokens(body["messages"], body.get("tools"))
    if body.get("response_format"):
        prompt += count_text(json.dumps(body["response_format"]))
    if prompt > card.context_window:
        raise context_length_exceeded(card.context_window, prompt)
    message, finish_reason, completion = _message(body, step)
    if step is not None and step.usage is not None:
        prompt, completion = step.usage.prompt_tokens, step.usage.completion_tokens
    count = int(body.get("n") or 1)
    answer = {
        "id": f"chatcmpl-{secrets.token_urlsafe(18)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": i, "message": message, "logprobs": None, "finish_reason": finish_reason}
            for i in range(count)
        ],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion * count,
            "total_tokens": prompt + completion * count,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "service_tier": "default",
        "system_fingerprint": "fp_fake0penai",
    }
    return JSONResponse(answer, headers=openai_headers())


def _message(body: dict[str, Any], step: ScriptedStep | None) -> tuple[dict[str, Any], str, int]:
    """The assistant message, its finish reason and its completion tokens."""
    content: str | None
    calls: list[tuple[str, Any]]
    if step is not None and (
        step.content is not None or step.json_value is not None or step.tool_calls
    ):
        content = step.content
        if step.json_value is not None:
            content = json.dumps(step.json_value, ensure_ascii=False)
        calls = [(call.name, call.arguments) for call in step.tool_calls or []]
    else:
        answer = default_answer(body)
        content, calls = answer.content, list(answer.tool_calls)
    tool_calls = [
        {
            "id": f"call_{secrets.token_urlsafe(18)}",
            "type": "function",
            "function": {
                "name": name,
                "arguments": arguments
                if isinstance(arguments, str)
                else json.dumps(arguments, ensure_ascii=False),
            },
        }
        for name, arguments in calls
    ]
    finish_reason = "tool_calls" if tool_calls else "stop"
    completion = count_text(content or "") + sum(
        count_text(str(arguments)) + 3 for _, arguments in calls
    )
    limit = body.get("max_completion_tokens") or body.get("max_tokens")
    if content is not None and limit is not None and count_text(content) > limit:
        # Cut where the budget ends, as a model stops mid-sentence (or mid-JSON).
        content, finish_reason = content[: limit * 4], "length"
        completion = limit
    if step is not None and step.finish_reason is not None:
        finish_reason = step.finish_reason
    message: dict[str, Any] = {
        "role": "assistant",
        "content": content,
        "refusal": None,
        "annotations": [],
    }
    if tool_calls:
        message["tool_calls"] = tool_calls
    return message, finish_reason, completion
