"""One tenant's model, ready to call: the ``openai`` SDK's client for its endpoint, its
model names and prices, and ``chat`` with the retries, error mapping and output checks the
conversation code relies on.

The SDK's own retries are off (``max_retries=0``): ours honour the provider's wait but cap
the total, and end in one ``ModelUnavailable`` the caller hands off on.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import jsonschema
import openai
import structlog

from mia_ai_agent.llm.errors import ModelUnavailable, UnavailableReason
from mia_ai_agent.llm.failures import unavailable_from
from mia_ai_agent.llm.prices import Prices, default_prices
from mia_ai_agent.llm.results import ChatResult, TokenUsage, ToolCall
from mia_ai_agent.llm.retries import RetryPolicy

__all__ = ["TenantModel"]

logger = structlog.get_logger(__name__)

_RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


class TenantModel:
    def __init__(
        self,
        *,
        tenant_id: uuid.UUID,
        client: openai.AsyncOpenAI,
        chat_model: str,
        embedding_model: str | None,
        prices: Prices,
        embedding_prices: Prices,
        version: int,
        retry: RetryPolicy,
    ) -> None:
        self.tenant_id = tenant_id
        self.client = client
        self.chat_model = chat_model
        self.embedding_model = embedding_model
        self.prices = prices
        self.embedding_prices = embedding_prices
        self.version = version
        self.retry = retry
        # OpenAI's newer models refuse max_tokens; Ollama and older vLLM know only it.
        host = client.base_url.host or ""
        self._limit_parameter = (
            "max_completion_tokens"
            if host.endswith(("openai.com", "openai.azure.com"))
            else "max_tokens"
        )

    def prices_for(self, model: str) -> Prices:
        """What ``model``'s tokens cost at this endpoint: the tenant's own prices for its
        chat model, the list price for any other (an embedding model a base chose)."""
        if model == self.chat_model:
            return self.prices
        if model == self.embedding_model:
            return self.embedding_prices
        return default_prices(model)

    def __repr__(self) -> str:  # never the client's repr: it holds the key
        return f"TenantModel(tenant_id={self.tenant_id}, chat_model={self.chat_model!r})"

    async def chat(
        self,
        *,
        messages: Sequence[Mapping[str, Any]],
        tools: Sequence[Mapping[str, Any]] | None = None,
        tool_choice: str | Mapping[str, Any] | None = None,
        json_schema: Mapping[str, Any] | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        retry: RetryPolicy | None = None,
        model: str | None = None,
    ) -> ChatResult:
        """One chat completion. ``json_schema`` is a JSON schema the answer must match
        (sent as strict structured output, named ``response``), or OpenAI's whole
        ``{"name", "schema", "strict"}`` object; the parsed answer is ``result.parsed``.
        Raises ``ModelUnavailable`` for every failure, ``bad_output`` included."""
        # ``model``: another of the endpoint's models (a persona's own choice).
        chosen = model or self.chat_model
        body: dict[str, Any] = {"model": chosen, "messages": list(messages)}
        if tools:
            body["tools"] = list(tools)
        if tool_choice is not None:
            body["tool_choice"] = tool_choice
        schema: Mapping[str, Any] | None = None
        if json_schema is not None:
            spec = _schema_spec(json_schema)
            schema = spec["schema"]
            body["response_format"] = {"type": "json_schema", "json_schema": spec}
        if temperature is not None:
            body["temperature"] = temperature
        if max_tokens is not None:
            body[self._limit_parameter] = max_tokens
        completion = await self._call(body, retry or self.retry)
        return _result(completion, schema, fallback_model=chosen)

    async def _call(self, body: dict[str, Any], policy: RetryPolicy) -> Any:
        waited = 0.0
        for attempt in range(1, policy.attempts + 1):
            try:
                return await self.client.chat.completions.create(**body)
            except openai.APIError as error:
                failure = unavailable_from(error)
                wait = _retry_wait(failure, policy, attempt)
            if (
                wait is None
                or attempt == policy.attempts
                or waited + wait > policy.max_wait_seconds
            ):
                logger.warning(
                    "model call failed",
                    tenant_id=str(self.tenant_id),
                    model=self.chat_model,
                    reason=failure.reason.value,
                    status=failure.status,
                    attempts=attempt,
                )
                raise failure
            logger.debug("model call retried", tenant_id=str(self.tenant_id), wait=wait)
            started = time.monotonic()
            await asyncio.sleep(wait)
            waited += time.monotonic() - started
        raise AssertionError("unreachable: the last attempt raises")


def _schema_spec(json_schema: Mapping[str, Any]) -> dict[str, Any]:
    if "schema" in json_schema and "name" in json_schema:
        return {"strict": True, **json_schema}
    return {"name": "response", "schema": dict(json_schema), "strict": True}


def _retry_wait(failure: ModelUnavailable, policy: RetryPolicy, attempt: int) -> float | None:
    """How long to wait before the next attempt; None: do not retry this failure.

    A timeout is not retried: the tenant's timeout already spent what a customer waits.
    """
    if failure.reason is UnavailableReason.UNREACHABLE:
        return policy.backoff(attempt)
    if failure.status not in _RETRIED_STATUSES or failure.reason is UnavailableReason.QUOTA:
        return None
    return failure.retry_after if failure.retry_after is not None else policy.backoff(attempt)


def _result(
    completion: Any, schema: Mapping[str, Any] | None, *, fallback_model: str
) -> ChatResult:
    usage = TokenUsage(
        prompt_tokens=completion.usage.prompt_tokens if completion.usage else 0,
        completion_tokens=completion.usage.completion_tokens if completion.usage else 0,
    )
    if not completion.choices:
        raise ModelUnavailable(
            UnavailableReason.BAD_OUTPUT, "the answer had no choices", usage=usage
        )
    choice = completion.choices[0]
    message = choice.message
    calls: list[ToolCall] = []
    for call in message.tool_calls or []:
        function = getattr(call, "function", None)
        if function is None:  # a custom (non-function) tool: not something we offer
            continue
        try:
            arguments = json.loads(function.arguments or "{}")
        except ValueError:
            raise ModelUnavailable(
                UnavailableReason.BAD_OUTPUT,
                f"the arguments of tool {function.name!r} are not JSON",
                usage=usage,
            ) from None
        if not isinstance(arguments, dict):
            raise ModelUnavailable(
                UnavailableReason.BAD_OUTPUT,
                f"the arguments of tool {function.name!r} are not an object",
                usage=usage,
            )
        calls.append(ToolCall(id=call.id, name=function.name, arguments=arguments))
    parsed = None
    if schema is not None and not calls:
        parsed = _parsed(message.content, schema, usage, choice.finish_reason)
    return ChatResult(
        content=message.content,
        tool_calls=calls,
        finish_reason=choice.finish_reason or "stop",
        usage=usage,
        model=completion.model or fallback_model,
        parsed=parsed,
    )


def _parsed(
    content: str | None, schema: Mapping[str, Any], usage: TokenUsage, finish_reason: str | None
) -> dict[str, Any]:
    if finish_reason == "length":
        raise ModelUnavailable(
            UnavailableReason.BAD_OUTPUT, "the answer was cut at the token limit", usage=usage
        )
    try:
        value = json.loads(content or "")
    except ValueError:
        raise ModelUnavailable(
            UnavailableReason.BAD_OUTPUT, "the answer is not JSON", usage=usage
        ) from None
    try:
        jsonschema.validate(value, schema)
    except jsonschema.ValidationError as error:
        raise ModelUnavailable(
            UnavailableReason.BAD_OUTPUT,
            f"the answer does not match the schema: {error.message}",
            usage=usage,
        ) from None
    if not isinstance(value, dict):
        raise ModelUnavailable(
            UnavailableReason.BAD_OUTPUT, "the answer is not an object", usage=usage
        )
    return value
