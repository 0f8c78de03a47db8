"""The HTTP edge of ``/api/v1/ai/model``: what a manager sends, what anyone reads."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr

from mia_common.text import ApiStr, NonBlankApiStr

__all__ = ["ModelSettingsIn", "ModelSettingsOut", "ModelTestOut"]


def _http_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    if parts.username or parts.password:
        raise ValueError("must not carry credentials: put the key in api_key")
    if parts.query or parts.fragment:
        raise ValueError("must not carry a query or fragment")
    return value.strip().rstrip("/")


BaseUrl = Annotated[ApiStr, Field(min_length=8, max_length=500), AfterValidator(_http_url)]
Price = Annotated[Decimal, Field(ge=0, le=100_000, max_digits=12, decimal_places=4)]


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
    monthly_budget_usd: (
        Annotated[Decimal, Field(ge=0, le=10_000_000, max_digits=14, decimal_places=2)] | None
    ) = Field(default=None, description="null: no budget")


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
