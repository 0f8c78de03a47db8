"""The HTTP edge of ``/api/v1/ai/model``: what a manager sends, what anyone reads."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, WithJsonSchema

from mia_common.text import ApiStr, NonBlankApiStr

__all__ = ["ModelSettingsIn", "ModelSettingsOut", "ModelTestOut"]


# http(s), a host name or an IP literal, an optional port and path: no credentials (the key
# goes in api_key), no query or fragment. Written as a pattern so the OpenAPI document says
# exactly what is accepted.
_HTTP_URL = (
    r"^https?://(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])"
    r"(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?$"
)


def _without_trailing_slash(value: str) -> str:
    return value.rstrip("/")


BaseUrl = Annotated[
    str,
    Field(min_length=8, max_length=500, pattern=_HTTP_URL),
    AfterValidator(_without_trailing_slash),
]


# USD as a JSON number (a numeric string is taken too), rounded to the column's places by
# the service: the document states the bounds, not a digit count nobody can see.
Price = Annotated[
    Decimal,
    Field(ge=0, le=100_000),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100_000}),
]
Budget = Annotated[
    Decimal,
    Field(ge=0, le=10_000_000),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 10_000_000}),
]


class ModelSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_url: BaseUrl = Field(
        description="the OpenAI-compatible API base, e.g. https://api.openai.com/v1,"
        " https://<resource>.openai.azure.com/openai/v1, https://openrouter.ai/api/v1,"
        " http://localhost:11434/v1 (Ollama), http://<host>:8000/v1 (vLLM)"
    )
    api_key: SecretStr | None = Field(
        default=None,
        max_length=500,
        description="omitted or null: keep the saved key; an empty string: remove it"
        " (an endpoint that needs none, such as Ollama)",
    )
    chat_model: NonBlankApiStr = Field(max_length=200, examples=["gpt-4o-mini"])
    embedding_model: ApiStr | None = Field(
        default=None, max_length=200, examples=["text-embedding-3-small"]
    )
    timeout_seconds: float = Field(default=30, ge=1, le=300)
    input_price_per_million_usd: Price | None = Field(
        default=None, description="omitted: the list price of a well-known model, else 0"
    )
    output_price_per_million_usd: Price | None = Field(
        default=None, description="omitted: the list price of a well-known model, else 0"
    )
    monthly_budget_usd: Budget | None = Field(default=None, description="null: no budget")


class ModelSettingsOut(BaseModel):
    base_url: str
    has_key: bool
    key_last4: str | None = Field(description="the key's last four characters, to recognise it")
    chat_model: str
    embedding_model: str | None
    timeout_seconds: float
    input_price_per_million_usd: Decimal
    output_price_per_million_usd: Decimal
    monthly_budget_usd: Decimal | None
    version: int
    updated_at: datetime


class ModelTestOut(BaseModel):
    ok: bool = True
    model: str = Field(description="the model that answered, as the endpoint names it")
    reply: str | None
    latency_ms: int
    prompt_tokens: int
    completion_tokens: int
